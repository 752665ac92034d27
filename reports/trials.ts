// Reports of repeated trials, written beside aggregate.json: Markdown (summary.md) and JUnit (junit.xml,
// one testsuite per trial plus one for the objectives on trial statistics). Each trial keeps its own
// reports in its folder.
import type { Journal, Unit } from "../harness/contracts/journal.ts";
import type { Aggregate } from "../harness/trials/aggregate.ts";
import { STATS, type Distribution } from "../harness/slo/distribution.ts";
import { formatValue } from "../harness/specs/slo/grammar.ts";
import { markdownCell as cell } from "./escape.ts";
import { goalText, measuredText, ms, resultText, verdictWord } from "./format.ts";
import { distributionText, formulaRows } from "./formulas.ts";
import { addRunSuite, junit, sloCase } from "./junit.ts";
import { mdTable } from "./markdown.ts";

export interface TrialsReporter {
  format: string;
  file: string;
  render(aggregate: Aggregate, trials: Journal[]): string;
}

export function statText(d: Distribution, v: number | null, unit: Unit): string {
  if (!d.count) return "—";
  return v === null ? "never" : formatValue(v, unit);
}

/** Per metric: median, p90, min, max over trials. */
export function metricRows(a: Aggregate): string[][] {
  return Object.entries(a.metrics).map(([name, d]) => [name, ...STATS.map((s) => statText(d, d[s], d.unit as Unit)), String(d.count)]);
}

export function faultRows(a: Aggregate): string[][] {
  return a.faults.map((f) => [`${f.id}: ${f.description}`, distributionText(f.mttrMs), f.mttdMs ? distributionText(f.mttdMs) : "—"]);
}

export function renderTrialsMarkdown(a: Aggregate, trials: Journal[]): string {
  const icon = a.verdict === "pass" ? "✅" : a.verdict === "fail" ? "❌" : "⚠️";
  const out = [`# ${icon} ${cell(a.scenario.name)}${a.variant ? ` (${a.variant})` : ""}: ${verdictWord(a)} over ${a.trials.length} trial(s)`];
  if (a.reasons.length) out.push("", ...a.reasons.map((r) => `- ${cell(r)}`));
  if (a.slo.length) {
    out.push("", "## Objectives over trials", "", mdTable(["objective", "goal", "measured", "result"], a.slo.map((r) => [r.metric, goalText(r), measuredText(r), resultText(r, r.pass, { pass: "✅ pass", fail: "❌ fail" })])));
  }
  out.push("", "## Metrics over trials", "", mdTable(["metric", "median", "p90", "min", "max", "trials"], metricRows(a)));
  if (a.faults.length) out.push("", "## Faults over trials", "", mdTable(["fault", "MTTR", "MTTD"], faultRows(a)));
  out.push("", "## Formulas (pooled over trials)", "", mdTable(["quantity", "formula", "value"], formulaRows(trials)));
  out.push(
    "",
    "## Trials",
    "",
    mdTable(
      ["trial", "run", "verdict", "wall time", "folder"],
      a.trials.map((t) => [String(t.trial), t.runId, verdictWord(t), ms(t.endedAt - t.startedAt), `\`${t.dir}\``]),
    ),
  );
  return out.join("\n") + "\n";
}

export function renderTrialsJUnit(a: Aggregate, trials: Journal[]): string {
  const builder = junit.newBuilder().name(a.scenario.name);
  trials.forEach((j, i) => addRunSuite(builder, j, `${a.scenario.name}${a.variant ? ` ${a.variant}` : ""} trial ${i + 1}`));
  if (a.slo.length) {
    const suite = builder.testSuite().name(`${a.scenario.name}${a.variant ? ` ${a.variant}` : ""} over ${a.trials.length} trials`);
    for (const r of a.slo) sloCase(suite, r);
  }
  return builder.build() + "\n";
}
