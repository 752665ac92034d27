// report.html of repeated trials: the verdict over trials, objectives on trial statistics, each metric's
// distribution, MTTR/MTTD per fault, pooled formulas, and a link to every trial's own report.
import type { Journal } from "../../harness/contracts/journal.ts";
import type { Aggregate } from "../../harness/trials/aggregate.ts";
import { escapeHtml as esc, relativeHref } from "../escape.ts";
import { goalText, measuredText, ms, verdictWord } from "../format.ts";
import { formulaRows } from "../formulas.ts";
import { faultRows, metricRows } from "../trials.ts";
import { badge, htmlDocument, htmlTable, resultBadge, type Cell } from "./document.ts";

function trialsSections(a: Aggregate, trials: Journal[]): string[] {
  const out: string[] = [];
  if (a.slo.length) {
    out.push("<h2>Objectives over trials</h2>", htmlTable(["objective", "goal", "measured", "result"], a.slo.map((r) => [r.metric, goalText(r), measuredText(r), { html: resultBadge(r, r.pass, { pass: "pass", fail: "fail" }) }])));
  }
  out.push("<h2>Metrics over trials</h2>", htmlTable(["metric", "median", "p90", "min", "max", "trials"], metricRows(a)));
  if (a.faults.length) out.push("<h2>Faults over trials</h2>", htmlTable(["fault", "MTTR", "MTTD"], faultRows(a)));
  out.push("<h2>Formulas (pooled over trials)</h2>", htmlTable(["quantity", "formula", "value"], formulaRows(trials)));
  out.push(
    "<h2>Trials</h2>",
    htmlTable(
      ["trial", "run", "verdict", "wall time", "report"],
      a.trials.map((t, i): Cell[] => {
        const html = trials[i]?.files.html;
        return [
          String(t.trial),
          t.runId,
          { html: badge(verdictWord(t), t.verdict) },
          ms(t.endedAt - t.startedAt),
          html ? { html: `<a href="${esc(relativeHref(`${t.dir}/${html}`))}">${esc(`${t.dir}/${html}`)}</a>` } : `${t.dir}/`,
        ];
      }),
    ),
  );
  return out;
}

export function renderTrialsHtml(a: Aggregate, trials: Journal[]): string {
  const title = `${a.scenario.name}${a.variant ? ` (${a.variant})` : ""}`;
  const body = [
    `<h1>${esc(title)} ${badge(verdictWord(a), a.verdict)}</h1>`,
    `<p class="meta">${esc(`${a.trials.length} trial(s), each with fresh targets`)}</p>`,
    a.reasons.length ? `<ul class="reasons">${a.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>` : "",
    ...trialsSections(a, trials),
  ].join("\n");
  return htmlDocument(`${title}: ${verdictWord(a)} over ${a.trials.length} trials`, body);
}
