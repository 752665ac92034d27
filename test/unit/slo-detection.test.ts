import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Journal } from "../../harness/contracts/journal.ts";
import { leadTimes } from "../../harness/contracts/lead-time.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import { evaluateSlos } from "../../harness/slo/evaluate.ts";
import { parseObjective, type Objective } from "../../harness/specs/slo/grammar.ts";
import { sloUnits } from "../../harness/specs/slo/metrics.ts";
import { measuredText } from "../../reports/format.ts";
import { CRASH_BASE, inline, repoRoot } from "./scenario-messages.ts";

const objectives = (...texts: string[]): Objective[] =>
  texts.map((t) => {
    const r = parseObjective(t, sloUnits);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  });

function journal(mttds: (number | null)[], falseAlarms: number, availability: number, detection = true, periodMs?: number): Journal {
  return {
    scenario: { loadDurationMs: 60_000, ...(periodMs ? { errorBudget: { periodMs } } : {}) },
    // The measured load phase: 50 s (it ended early).
    loadStartedAt: 1_000,
    loadEndedAt: 51_000,
    faults: mttds.map((mttdMs) => ({ injectedAt: 1, mttdMs })),
    detection: detection ? { falseAlarms: Array.from({ length: falseAlarms }, () => ({})) } : null,
    metrics: { availability: { request: availability } },
  } as unknown as Journal;
}

describe("detection objectives", () => {
  it("lead_time: a predict detector's firing to the breach it foresaw (the limit reached, or a restart), the shortest", () => {
    const MiB = 1024 ** 2;
    const firing = (at: number, limit: number) => ({
      name: "oom-soon",
      state: "firing",
      at,
      labels: { detector: "predict", signal: "memory of api", predicted_breach_at: new Date(at + 30_000).toISOString(), predicted_breach_in: "30000", limit: String(limit), direction: "up" },
    });
    const sample = (at: number, mib: number, restarts = 0) => ({ at, cpuPercent: 0, memoryBytes: mib * MiB, restarts, rxBytes: 0, txBytes: 0 });
    const samples = [sample(9_000, 200), sample(10_000, 210), sample(20_000, 240), sample(38_000, 256), sample(39_000, 20, 1)];
    const j = { alerts: [firing(10_000, 256 * MiB)], resources: { "api-0": { target: "api", samples } } } as unknown as Journal;
    expect(leadTimes(j)).toEqual([{ name: "oom-soon", firedAt: 10_000, predictedAt: 40_000, breachAt: 38_000, leadMs: 28_000 }]);
    expect(evaluateSlos(objectives("lead_time > 10s"), j)[0]).toMatchObject({ measured: 28_000, pass: true });
    // Killed before a sample showed the limit: the restart is the breach.
    const killed = { ...j, resources: { "api-0": { target: "api", samples: [sample(9_000, 200), sample(20_000, 240), sample(25_000, 20, 1)] } } } as unknown as Journal;
    expect(leadTimes(killed)[0]!.leadMs).toBe(15_000);
    // No breach in the run: not measurable.
    const never = { ...j, resources: { "api-0": { target: "api", samples: [sample(9_000, 200), sample(20_000, 240)] } } } as unknown as Journal;
    expect(evaluateSlos(objectives("lead_time > 10s"), never)[0]).toMatchObject({ measured: null, pass: false });
  });

  it("mttd is the worst time to detect; an undetected fault makes it never", () => {
    expect(evaluateSlos(objectives("mttd < 5s"), journal([2_000, 3_500], 0, 1))[0]).toMatchObject({ measured: 3_500, pass: true });
    expect(evaluateSlos(objectives("mttd < 5s"), journal([2_000, null], 0, 1))[0]).toMatchObject({ measured: null, never: true, pass: false });
    expect(evaluateSlos(objectives("mttd < 5s"), journal([2_000], 0, 1, false))[0]).toMatchObject({ measured: null, pass: false });
  });

  it("false_alarms counts the firings no fault explains", () => {
    expect(evaluateSlos(objectives("false_alarms < 1"), journal([], 2, 1))[0]).toMatchObject({ measured: 2, pass: false });
    expect(evaluateSlos(objectives("false_alarms <= 0"), journal([], 0, 1))[0]).toMatchObject({ measured: 0, pass: true });
  });

  it("error_budget_burn without a period is the burn rate over the run, and says so", () => {
    // 99.5 % allows 0.5 % of requests to fail; 0.25 % failed: half the rate the budget allows.
    const [burn] = evaluateSlos(objectives("error_budget_burn < 60%", "availability >= 99.5%"), journal([], 0, 0.9975));
    expect(burn!.measured).toBeCloseTo(0.5, 10);
    expect(burn).toMatchObject({ pass: true, basis: "burn rate: the period is the run" });
    expect(measuredText(burn!)).toBe("50% (burn rate: the period is the run)");
    expect(evaluateSlos(objectives("error_budget_burn < 100%", "availability >= 99%"), journal([], 0, 0.95))[0]).toMatchObject({ pass: false });
  });

  it("error_budget_burn with errorBudget.period is the share of that period's budget the run consumed", () => {
    // 5 % failed against a 1 % budget (burn rate 5) for the 50 s the load ran, of a 1 h period:
    // 5 · 50 s / 3600 s ≈ 6.94 % of the hour's budget.
    const [burn] = evaluateSlos(objectives("error_budget_burn < 10%", "availability >= 99%"), journal([], 0, 0.95, true, 3_600_000));
    expect(burn!.measured).toBeCloseTo((5 * 50) / 3_600, 10);
    expect(burn).toMatchObject({ pass: true, basis: "share of the 1h budget" });
    const [month] = evaluateSlos(objectives("error_budget_burn < 0.01%", "availability >= 99.9%"), journal([], 0, 0.999, true, 30 * 86_400_000));
    expect(month!.measured).toBeCloseTo(50 / (30 * 86_400), 12);
    expect(measuredText(month!)).toBe("0.002% (share of the 30d budget)");
    // A run without failures consumed nothing; any failure against a 100 % objective is a budget it never had.
    expect(evaluateSlos(objectives("error_budget_burn < 1%", "availability >= 100%"), journal([], 0, 1, true, 3_600_000))[0]).toMatchObject({ measured: 0, pass: true });
    expect(evaluateSlos(objectives("error_budget_burn < 1%", "availability >= 100%"), journal([], 0, 0.999, true, 3_600_000))[0]).toMatchObject({ never: true, pass: false });
  });
});

describe("checking the objectives against the scenario", () => {
  const root = repoRoot;
  const BASE = CRASH_BASE;

  it("refuses mttd and false_alarms when nothing in the scenario can fire", () => {
    const refused = (metric: string) =>
      `${metric} is measured on alert and detector firings, and nothing in this scenario can fire: add detection.prometheus (alert rules, or the url of yours) or detection.detectors`;
    expect(inline(BASE + "slo:\n  - mttd < 5s\n  - mttr < 5s\n  - false_alarms < 1\n  - mttd.p90 < 5s\n")).toEqual([
      `inline.yaml:9:5: slo[0]: ${refused("mttd")}`,
      `inline.yaml:11:5: slo[2]: ${refused("false_alarms")}`,
      `inline.yaml:12:5: slo[3]: ${refused("mttd.p90")}`,
    ]);
    // A detection section with only expectations or a quiet period has nothing that fires either.
    expect(inline(BASE + "detection: { quietBefore: true }\nslo:\n  - mttd < 5s\n")).toEqual([`inline.yaml:10:5: slo[0]: ${refused("mttd")}`]);
    const detector = "detection:\n  detectors:\n    - { name: d, kind: threshold, signal: error_rate, op: '>', value: 5% }\n";
    expect(parseScenario(BASE + detector + "slo:\n  - mttd < 5s\n  - false_alarms < 1\n", join(root, "scenarios", "inline.yaml")).slo).toHaveLength(2);
    const ownPrometheus = "detection:\n  prometheus: { alertmanagerUrl: http://127.0.0.1:9093 }\n";
    expect(parseScenario(BASE + ownPrometheus + "slo:\n  - mttd < 5s\n", join(root, "scenarios", "inline.yaml")).slo).toHaveLength(1);
  });

  it("reads errorBudget.period in days, and refuses one shorter than the load or one nothing reads", () => {
    const withBurn = "slo:\n  - availability >= 99.9%\n  - error_budget_burn < 1%\n";
    const s = parseScenario(BASE + withBurn + "errorBudget: { period: 30d }\n", join(root, "scenarios", "inline.yaml"));
    expect(s.errorBudget).toEqual({ periodMs: 30 * 86_400_000 });
    expect(inline(BASE + withBurn + "errorBudget: { period: 10s }\n")).toEqual([
      "inline.yaml:11:24: errorBudget.period: 10s is shorter than the load (20s): the period is the availability objective's window, such as 30d",
    ]);
    expect(inline(BASE + "slo:\n  - availability >= 99.9%\nerrorBudget: { period: 7d, window: 1h }\n")).toEqual([
      "inline.yaml:10:1: errorBudget: is read only by the error_budget_burn objective: add one to slo (e.g. error_budget_burn < 10%)",
      'inline.yaml:10:28: errorBudget.window: unknown key "window" (valid: period)',
    ]);
    expect(inline(BASE + "slo:\n  - mttr < 5s\n  - error_budget_burn.p90 < 1%\n")).toEqual([
      "inline.yaml:10:5: slo[1]: error_budget_burn is measured against the availability objective: add one (e.g. availability >= 99.5%)",
    ]);
  });
});
