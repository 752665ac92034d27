import { describe, expect, it } from "vitest";
import { parseObjective } from "../../harness/specs/slo/grammar.ts";
import { evaluateObjectives, evaluateSlos } from "../../harness/slo/evaluate.ts";
import { sloUnits } from "../../harness/specs/slo/metrics.ts";
import { renderTrialsSummary } from "../../harness/cli/summary.ts";
import { aggregateTrials } from "../../harness/trials/aggregate.ts";
import { formulaRows } from "../../reports/formulas.ts";
import { distribution } from "../../harness/slo/distribution.ts";
import { trialScenario } from "../../harness/run/repeat.ts";
import type { Scenario } from "../../harness/scenario/scenario.ts";
import { makeJournal } from "../fixtures/journal.ts";
import { table } from "../../reports/text-table.ts";
const objective = (text: string) => {
  const r = parseObjective(text, sloUnits);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
/** A trial judged only on recovery (the fixture's availability objective left out). */
const crashTrial = (seed: number, outageMs: number | null) => {
  const journal = makeJournal({ seed, faults: [{ kind: "crash", atMs: 5_000, outageMs }] });
  journal.slo = [];
  journal.reasons = journal.reasons.filter((r) => !r.startsWith("SLO missed"));
  journal.verdict = journal.reasons.length ? "fail" : "pass";
  return { dir: `trial-${seed}`, journal };
};

describe("distributions over trials", () => {
  it("gives median, p90 (R type 7), min and max", () => {
    expect(distribution([4, 1, 3, 2, 5])).toEqual({ count: 5, never: 0, median: 3, p90: 4.6, min: 1, max: 5 });
    expect(distribution([])).toEqual({ count: 0, never: 0, median: null, p90: null, min: null, max: null });
  });

  it("ranks never values above every number: a statistic landing on one is never (null)", () => {
    expect(distribution([1_000, 2_000, 3_000], 1)).toEqual({ count: 4, never: 1, median: 2_500, p90: null, min: 1_000, max: null });
    expect(distribution([], 2)).toMatchObject({ count: 2, median: null, min: null });
  });
});

describe("aggregate of repeated trials", () => {
  it("summarises each metric and each fault's MTTR over trials, and judges objectives on trial statistics", () => {
    const trials = [crashTrial(1, 1_000), crashTrial(2, 2_000), crashTrial(3, 4_000)];
    const a = aggregateTrials(trials, [objective("mttr.p90 < 5s"), objective("mttr.max < 3s"), objective("availability.min >= 85%")]);
    expect(a.trials.map((t) => [t.trial, t.dir])).toEqual([[1, "trial-1"], [2, "trial-2"], [3, "trial-3"]]);
    expect(a.metrics.mttr).toEqual({ unit: "duration", count: 3, never: 0, median: 2_000, p90: 3_600, min: 1_000, max: 4_000 });
    expect(a.faults).toEqual([{ id: "f1", description: "crash api (SIGKILL main process)", mttrMs: { count: 3, never: 0, median: 2_000, p90: 3_600, min: 1_000, max: 4_000 }, mttdMs: null }]);
    expect(a.slo.map((r) => [r.objective, r.measured, r.pass])).toEqual([
      ["mttr.p90 < 5s", 3_600, true],
      ["mttr.max < 3s", 4_000, false],
      ["availability.min >= 85%", a.metrics.availability!.min, true],
    ]);
    expect(a.verdict).toBe("fail");
    expect(a.reasons).toEqual(["SLO missed: mttr.max < 3s (measured 4s over 3 trial(s))"]);
  });

  it("fails and names the trial when one of them failed; never-recovered faults read never", () => {
    const a = aggregateTrials([crashTrial(1, 1_000), crashTrial(2, null)], [objective("mttr.p90 < 5s")]);
    expect(a.verdict).toBe("fail");
    expect(a.reasons[0]).toBe("trial 2: crash api (SIGKILL main process) never recovered");
    expect(a.slo[0]).toMatchObject({ measured: null, never: true, pass: false });
    expect(a.faults[0]!.mttrMs).toMatchObject({ count: 2, never: 1, max: null });
  });

  it("judges a trial statistic on one run as that run's value", () => {
    const j = crashTrial(1, 1_500).journal;
    expect(evaluateSlos([objective("mttr.p90 < 2s")], j)[0]).toMatchObject({ measured: 1_500, pass: true });
    expect(evaluateObjectives([objective("mttd < 2s")], [j])[0]).toMatchObject({ measured: null, pass: false });
  });

  it("ends the terminal summary with the formulas pooled over trials, as the single-run summary ends with its own", () => {
    const trials = [crashTrial(1, 1_000), crashTrial(2, 2_000)];
    const journals = trials.map((t) => t.journal);
    const text = renderTrialsSummary(aggregateTrials(trials, []), journals, "/tmp/x");
    // The last block, after the fault table: one row per formula, pooled.
    expect(text.endsWith(`\n\n${table(["quantity", "formula (pooled over trials)", "value"], formulaRows(journals))}\n`)).toBe(true);
    expect(formulaRows(journals).map((r) => r[0])).toContain("MTTR");
  });

  it("leaves objectives on trial statistics out of each trial", () => {
    const s = { slo: [objective("mttr < 6s"), objective("mttr.p90 < 5s")] } as Scenario;
    expect(trialScenario(s).slo.map((o) => o.text)).toEqual(["mttr < 6s"]);
  });
});
