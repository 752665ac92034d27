import { describe, expect, it } from "vitest";
import type { Journal } from "../../harness/run/journal.ts";
import { evaluateSlos } from "../../harness/slo/evaluate.ts";
import { parseObjective, type Objective } from "../../harness/slo/grammar.ts";
import { sloUnits } from "../../harness/slo/metrics.ts";

const objectives = (...texts: string[]): Objective[] =>
  texts.map((t) => {
    const r = parseObjective(t, sloUnits);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  });

function journal(mttds: (number | null)[], falseAlarms: number, availability: number, detection = true): Journal {
  return {
    faults: mttds.map((mttdMs) => ({ injectedAt: 1, mttdMs })),
    detection: detection ? { falseAlarms: Array.from({ length: falseAlarms }, () => ({})) } : null,
    metrics: { availability: { request: availability } },
  } as unknown as Journal;
}

describe("detection objectives", () => {
  it("mttd is the worst time to detect; an undetected fault makes it never", () => {
    expect(evaluateSlos(objectives("mttd < 5s"), journal([2_000, 3_500], 0, 1))[0]).toMatchObject({ measured: 3_500, pass: true });
    expect(evaluateSlos(objectives("mttd < 5s"), journal([2_000, null], 0, 1))[0]).toMatchObject({ measured: null, never: true, pass: false });
    expect(evaluateSlos(objectives("mttd < 5s"), journal([2_000], 0, 1, false))[0]).toMatchObject({ measured: null, pass: false });
  });

  it("false_alarms counts the firings no fault explains", () => {
    expect(evaluateSlos(objectives("false_alarms < 1"), journal([], 2, 1))[0]).toMatchObject({ measured: 2, pass: false });
    expect(evaluateSlos(objectives("false_alarms <= 0"), journal([], 0, 1))[0]).toMatchObject({ measured: 0, pass: true });
  });

  it("error_budget_burn is the failed share over the availability objective's budget", () => {
    // 99.5 % allows 0.5 % of requests to fail; 0.25 % failed: half the budget.
    const [burn] = evaluateSlos(objectives("error_budget_burn < 60%", "availability >= 99.5%"), journal([], 0, 0.9975));
    expect(burn!.measured).toBeCloseTo(0.5, 10);
    expect(burn!.pass).toBe(true);
    expect(evaluateSlos(objectives("error_budget_burn < 100%", "availability >= 99%"), journal([], 0, 0.95))[0]).toMatchObject({ pass: false });
  });
});
