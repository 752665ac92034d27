// The table printed at the end of a run: each objective with goal, measured value and result; each fault
// with its MTTR (and, when alerts or detectors watch the run, what detected it, how fast, and the healer's
// action). Plain text, aligned, no colours (CI logs keep it readable).
import type { Journal } from "../contracts/journal.ts";
import type { Aggregate } from "../trials/aggregate.ts";
import { checkText, detects, drillText, goalText, measuredText, ms, mttrText, offset, pct, resultText, verdictWord } from "../../reports/format.ts";
import { formulaRows } from "../../reports/formulas.ts";
import { faultRows, metricRows } from "../../reports/trials.ts";
import { table } from "../../reports/text-table.ts";
export function renderSummary(j: Journal, runDir: string): string {
  const out = [`${j.scenario.name}: ${verdictWord(j)}   (run ${j.runId}, ${((j.endedAt - j.startedAt) / 1_000).toFixed(1)}s, ${runDir})`];
  for (const r of j.reasons) out.push(`  - ${r}`);
  if (j.error && "fix" in j.error && j.error.fix) out.push(`  fix: ${j.error.fix}`);
  if (j.slo.length) {
    out.push("", table(["objective", "goal", "measured", "result"], j.slo.map((r) => [r.metric, goalText(r), measuredText(r), resultText(r, r.pass, { pass: "pass", fail: "FAIL" })])));
  }
  const journeys = Object.entries(j.metrics.journeys ?? {});
  if (journeys.length) {
    out.push(
      "",
      table(
        ["journey", "completed", "failed", "p95", "first failure"],
        journeys.map(([name, m]) => [name, pct(m.availability), `${m.failed} of ${m.total}`, ms(m.latencyMs.p95), m.failures[0] ? `${m.failures[0].step} (${m.failures[0].screenshot ?? "no screenshot"})` : "—"]),
      ),
    );
  }
  if (j.faults.length) {
    const detecting = detects(j);
    out.push(
      "",
      table(
        ["fault", "injected", "impact from", ...(detecting ? ["detected by", "MTTD", "action"] : []), "recovered", "MTTR"],
        j.faults.map((f) => [
          f.description,
          offset(j, f.injectedAt),
          offset(j, f.impactStartAt),
          ...(detecting ? [f.detectedBy ?? "—", ms(f.mttdMs), f.action ? `${f.action} ${offset(j, f.actionAt)}` : "—"] : []),
          offset(j, f.recoveredAt),
          mttrText(f),
        ]),
      ),
    );
  }
  if (j.checks?.length) {
    out.push("", table(["check", "result"], j.checks.map((c) => [c.description, c.drill ? `${checkText(c)}; backup-restore ${drillText(c)}` : checkText(c)])));
  }
  if (j.metrics.requests.total) out.push("", table(["quantity", "formula", "value"], formulaRows([j])));
  return out.join("\n") + "\n";
}

/** The end of `run --repeat`: the verdict over trials, objectives on trial statistics, distributions, pooled formulas. */
export function renderTrialsSummary(a: Aggregate, trials: readonly Journal[], dir: string): string {
  const out = [`${a.scenario.name}${a.variant ? ` (${a.variant})` : ""}: ${verdictWord(a)} over ${a.trials.length} trial(s)   (${dir})`];
  for (const r of a.reasons) out.push(`  - ${r}`);
  if (a.slo.length) out.push("", table(["objective", "goal", "measured", "result"], a.slo.map((r) => [r.metric, goalText(r), measuredText(r), resultText(r, r.pass, { pass: "pass", fail: "FAIL" })])));
  out.push("", table(["metric", "median", "p90", "min", "max", "trials"], metricRows(a)));
  if (a.faults.length) out.push("", table(["fault", "MTTR", "MTTD"], faultRows(a)));
  if (trials.some((j) => j.metrics.requests.total)) out.push("", table(["quantity", "formula (pooled over trials)", "value"], formulaRows(trials)));
  return out.join("\n") + "\n";
}
