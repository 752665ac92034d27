// Markdown summary (summary.md): fits a PR comment or a CI step summary.
import type { Journal } from "../harness/run/journal.ts";
import { actionText, count, detectedText, goalText, hasDetection, localisationText, measuredText, ms, mttdText, mttrText, offset, pct, resourceRows, verdictWord } from "./format.ts";
import { formulaRows } from "./formulas.ts";
import type { Reporter } from "./reporter.ts";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const row = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
export const mdTable = (head: string[], rows: string[][]) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
const table = mdTable;

export function renderMarkdown(j: Journal): string {
  const icon = j.verdict === "pass" ? "✅" : j.verdict === "fail" ? "❌" : "⚠️";
  const m = j.metrics;
  const out: string[] = [
    `# ${icon} ${cell(j.scenario.name)}: ${verdictWord(j)}`,
    "",
    `Run \`${j.runId}\` · started ${new Date(j.startedAt).toISOString()} · load ${ms(j.scenario.loadDurationMs)} · ` +
      `wall time ${ms(j.endedAt - j.startedAt)}`,
  ];
  if (j.reasons.length) out.push("", ...j.reasons.map((r) => `- ${r}`));
  if (j.error?.fix) out.push("", `Fix: ${j.error.fix}`);

  if (j.slo.length) {
    out.push("", "## Objectives", "");
    out.push(table(["objective", "goal", "measured", "result"], j.slo.map((r) => [r.metric, goalText(r), measuredText(r), r.pass ? "✅ pass" : "❌ fail"])));
  }

  if (j.faults.length) {
    const detection = hasDetection(j);
    out.push("", "## Faults", "", `Times are offsets from the start of the load. MTTR = recovered − injected${detection ? "; MTTD = detected − injected" : ""}.`, "");
    out.push(
      table(
        ["fault", "victims", "injected", "restored", "impact from", ...(detection ? ["detected", "MTTD", "action"] : []), "recovered", "impact", "MTTR"],
        j.faults.map((f) => [
          f.error ? `${f.description} (${f.error})` : f.description,
          f.victims.join(", ") || "—",
          offset(j, f.injectedAt),
          offset(j, f.restoredAt),
          offset(j, f.impactStartAt),
          ...(detection ? [detectedText(j, f), mttdText(f), actionText(j, f)] : []),
          offset(j, f.recoveredAt),
          ms(f.impactMs),
          mttrText(f),
        ]),
      ),
    );
    const located = j.faults.filter((f) => f.localisation !== undefined);
    if (located.length) out.push("", ...located.map((f) => `- ${f.id}: ${localisationText(f)}`));
  }
  if (j.expectations?.length || j.alerts?.length) {
    out.push("", "## Alerts", "");
    if (j.expectations?.length) {
      out.push(table(["expected alert", "after", "within", "fired", "result"], j.expectations.map((e) => [e.alert, e.fault ?? "—", ms(e.withinMs), offset(j, e.firedAt ?? null), e.met ? "✅ fired" : "❌ missed"])), "");
    }
    if (j.alerts?.length) out.push(table(["alert", "state", "at"], j.alerts.map((a) => [a.name, a.state, offset(j, a.at)])));
  }

  out.push("", "## What users saw", "");
  const failedBy = Object.entries(m.requests.failedBy).map(([k, v]) => `${k}: ${count(v)}`).join(", ");
  out.push(
    table(
      ["measure", "value"],
      [
        ["requests", `${count(m.requests.total)} (${count(m.requests.ok)} ok, ${count(m.requests.failed)} failed${failedBy ? `: ${failedBy}` : ""})`],
        ["availability (requests: good / total)", pct(m.availability.request)],
        ["availability (time: T_up / T_total)", pct(m.availability.time)],
        ["latency p50 / p90 / p99 / max", [m.latencyMs.p50, m.latencyMs.p90, m.latencyMs.p99, m.latencyMs.max].map(ms).join(" / ")],
        ["throughput (successful)", m.throughput === null ? "—" : `${m.throughput.toFixed(1)} req/s`],
        ...Object.entries(m.probes).map(([name, p]) => [`probe ${name}`, `${pct(p.availability)} up (${count(p.failed)} of ${count(p.total)} failed)`]),
        ...Object.entries(m.journeys ?? {}).map(([name, p]) => [`journey ${name}`, `${pct(p.availability)} completed (${count(p.failed)} of ${count(p.total)} failed)`]),
      ],
    ),
  );
  out.push("", "## Formulas", "", table(["quantity", "formula", "value"], formulaRows([j])));
  if (j.resources && Object.keys(j.resources).length) {
    out.push("", "## Containers", "", table(["container", "target", "peak CPU", "peak memory", "restarts"], resourceRows(j)));
  }

  const h = j.hypothesis;
  out.push(
    "",
    "## Steady-state hypothesis",
    "",
    `${h.conditions.join(", ") || "no conditions"} per ${ms(h.windowMs)} window; recovered = holds for ${ms(h.stableForMs)}.`,
    `Held in ${h.windows.held} of ${h.windows.total} windows` +
      (h.before ? `; before the first fault: ${h.before.held} of ${h.before.windows}.` : "."),
  );
  if (Object.keys(j.files).length) {
    out.push("", "## Files", "", ...Object.entries(j.files).map(([k, v]) => `- ${k}: \`${v}\``));
  }
  return out.join("\n") + "\n";
}

export const markdown: Reporter = { format: "markdown", file: "summary.md", render: renderMarkdown };
