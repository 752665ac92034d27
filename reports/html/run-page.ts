// report.html: one run, readable offline. Verdict, objectives, faults (injected, impact, detected, recovered,
// MTTD, MTTR), charts over time with fault windows and detection / recovery markers, alerts, what users
// saw, the seed formulas, containers with links to their logs, events. Every text is escaped.
import type { Journal } from "../../harness/contracts/journal.ts";
import { escapeHtml as esc, relativeHref } from "../escape.ts";
import { goalText, localisationText, measuredText, ms, offset, resourceRows, verdictWord } from "../format.ts";
import { formulaRows } from "../formulas.ts";
import type { Reporter } from "../reporter.ts";
import { alertTable, checkTable, expectationTable, faultTable, faultTableNote, journeyFailureTables, usersSawTable } from "../tables.ts";
import { lineChart } from "./chart.ts";
import { badge, htmlDocument, htmlTable, resultBadge, type Cell } from "./document.ts";
import { resourceCharts, timelineCharts } from "./series.ts";

const link = (path: string, text = path): Cell => ({ html: `<a href="${esc(relativeHref(path))}">${esc(text)}</a>` });

export function runSections(j: Journal): string[] {
  const out: string[] = [];
  if (j.slo.length) {
    out.push("<h2>Objectives</h2>", htmlTable(["objective", "goal", "measured", "result"], j.slo.map((r) => [r.metric, goalText(r), measuredText(r), { html: resultBadge(r, r.pass, { pass: "pass", fail: "fail" }) }])));
  }
  if (j.faults.length) {
    const t = faultTable(j);
    out.push("<h2>Faults</h2>", `<p class="meta">${esc(faultTableNote(j))}</p>`, htmlTable(t.head, t.rows));
    const located = j.faults.filter((f) => f.localisation);
    if (located.length) out.push(`<ul>${located.map((f) => `<li>${esc(`${f.id}: ${localisationText(f)}`)}</li>`).join("")}</ul>`);
  }
  if (j.timeline.length) out.push("<h2>Over time</h2>", ...timelineCharts(j).map(lineChart));
  const expected = expectationTable(j);
  if (expected.rows.length || j.alerts?.length) {
    out.push("<h2>Alerts</h2>");
    if (expected.rows.length) {
      out.push(htmlTable(expected.head, expected.rows.map((r, i): Cell[] => [...r, { html: resultBadge(expected.expectations[i]!, expected.expectations[i]!.met, { pass: "fired", fail: "missed" }) }])));
    }
    if (j.detection?.falseAlarms.length) {
      out.push(`<p>${esc(`False alarms (before the first fault, or more than ${ms(j.detection.settleMs)} after a recovery): ${j.detection.falseAlarms.map((a) => `${a.name} at ${offset(j, a.at)}`).join(", ")}`)}</p>`);
    }
    if (j.alerts?.length) out.push(htmlTable(alertTable(j).head, alertTable(j).rows));
  }
  if (j.heal?.length) {
    out.push("<h2>Healer actions</h2>", htmlTable(["at", "rule", "on", "result"], j.heal.map((h) => [offset(j, h.at), h.rule, h.on, h.ok ? (h.detail ?? "done") : `failed: ${h.error}`])));
  }
  const checks = checkTable(j);
  if (checks.rows.length) out.push("<h2>Data checks</h2>", htmlTable(checks.head, checks.rows));
  const saw = usersSawTable(j);
  out.push("<h2>What users saw</h2>", htmlTable(saw.head, saw.rows));
  for (const t of journeyFailureTables(j)) {
    out.push(
      `<h3>${esc(`Journey ${t.name}: failures`)}</h3>`,
      htmlTable(["at", "step", "error", "screenshot"], t.rows.map((r): Cell[] => [r.at, r.step, r.error, r.screenshot ? link(r.screenshot) : "—"])),
      ...(t.omitted ? [`<p>${esc(`… and ${t.omitted} more failures.`)}</p>`] : []),
    );
  }
  out.push(
    "<h2>Formulas</h2>",
    htmlTable(["quantity", "formula", "value"], formulaRows([j])),
  );
  const h = j.hypothesis;
  out.push(
    "<h2>Steady-state hypothesis</h2>",
    `<p>${esc(`${h.conditions.join(", ") || "no conditions"} per ${ms(h.windowMs)} window; recovered = holds for ${ms(h.stableForMs)}. Held in ${h.windows.held} of ${h.windows.total} windows${h.before ? `; before the first fault: ${h.before.held} of ${h.before.windows}` : ""}.`)}</p>`,
  );
  const replicas = Object.entries(j.targets).flatMap(([target, t]) => t.replicas.map((r) => [r.name, target, String(r.restarts), r.status, r.exitCode === null ? "—" : String(r.exitCode), link(r.log)] as Cell[]));
  if (replicas.length || j.resources) {
    out.push("<h2>Containers</h2>");
    if (replicas.length) out.push(htmlTable(["container", "target", "restarts", "status", "exit code", "log"], replicas));
    if (j.resources && Object.keys(j.resources).length) {
      out.push(htmlTable(["container", "target", "peak CPU", "peak memory", "restarts"], resourceRows(j)), ...resourceCharts(j).map(lineChart));
    }
  }
  if (j.events.length) out.push("<h2>Events</h2>", htmlTable(["at", "type", "message"], j.events.map((e) => [offset(j, e.at), e.type, e.message])));
  const files = Object.entries(j.files);
  if (files.length) out.push("<h2>Files</h2>", `<ul>${files.map(([what, file]) => `<li>${esc(what)}: ${(link(file) as { html: string }).html}</li>`).join("")}</ul>`);
  return out;
}

export function runHeader(j: Journal, title = j.scenario.name): string {
  const kind = j.verdict;
  return [
    `<h1>${esc(title)} ${badge(verdictWord(j), kind)}</h1>`,
    j.scenario.description ? `<p>${esc(j.scenario.description)}</p>` : "",
    `<p class="meta">${esc(`run ${j.runId} · started ${new Date(j.startedAt).toISOString()} · load ${ms(j.scenario.loadDurationMs)} · wall time ${ms(j.endedAt - j.startedAt)} · steadystate ${j.tool.version}`)}</p>`,
    j.reasons.length ? `<ul class="reasons">${j.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>` : "",
    j.error?.fix ? `<p>${esc(`Fix: ${j.error.fix}`)}</p>` : "",
  ].join("\n");
}

export function renderHtml(j: Journal): string {
  return htmlDocument(`${j.scenario.name}: ${verdictWord(j)}`, [runHeader(j), ...runSections(j)].join("\n"));
}

export const htmlReporter: Reporter = { format: "html", file: "report.html", render: renderHtml };
