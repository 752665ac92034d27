import { describe, expect, it } from "vitest";
import { loadJudgeConfig, type MetricSpec } from "../../harness/canary/config.ts";
import { judge } from "../../harness/canary/judge.ts";
import type { Side } from "../../harness/canary/samples.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";
import { judgeFileErrors } from "./judge-errors.ts";

const config = loadJudgeConfig(undefined);
const side = (label: string, trials: FixtureOptions[]): Side => ({ label, journals: trials.map((o, i) => ({ file: `${label}/trial-${i + 1}/journal.json`, journal: makeJournal(o) })) });
const crash = (outageMs: number) => [{ kind: "crash" as const, atMs: 10_000, outageMs }, { kind: "crash" as const, atMs: 20_000, outageMs }];
const trials = (n: number, o: (k: number) => FixtureOptions) => Array.from({ length: n }, (_, k) => o(k));
const row = (j: ReturnType<typeof judge>, name: string) => j.metrics.find((m) => m.name === name)!;

describe("canary judge", () => {
  it("fails 10..19 against 20..29: the interval lies beyond the 10% margin and Holm's p is below 5%", () => {
    const only = { ...config, metrics: config.metrics.filter((m) => m.name === "mttr") };
    const values = (from: number) => Array.from({ length: 10 }, (_, i) => (from + i) * 1_000);
    const b = side("baseline", values(10).map((v) => ({ seed: 1, faults: [{ kind: "crash" as const, atMs: 10_000, outageMs: v }] })));
    const c = side("canary", values(20).map((v) => ({ seed: 1, faults: [{ kind: "crash" as const, atMs: 10_000, outageMs: v }] })));
    const r = row(judge(only, { baseline: b, canary: c }), "mttr");
    expect(r.classification).toBe("high");
    expect(r.adjustedP).toBe(r.pValue);
    expect(r.pValue!).toBeLessThan(0.001);
    expect(r.ci![0]).toBeGreaterThan(r.marginValue!);
  });

  it("passes a canary identical in behaviour (A/A, different noise)", () => {
    const j = judge(config, {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, faults: crash(1_500 + 40 * k) }))),
      canary: side("canary", trials(2, (k) => ({ seed: 20 + k, faults: crash(1_520 + 40 * k) }))),
    });
    expect(j.reasons).toEqual([]);
    expect(j.verdict).toBe("pass");
    expect(j.score).toBe(100);
  });

  it("fails a canary with +30% latency on latency, by its effect size", () => {
    const j = judge(config, {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20 }))),
      canary: side("canary", trials(2, (k) => ({ seed: 20 + k, latencyMs: 26 }))),
    });
    expect(row(j, "p50 (steady)").classification).toBe("high");
    expect(row(j, "p99 (steady)").classification).toBe("high");
    expect(row(j, "throughput (steady)").classification).toBe("pass");
    expect(j.verdict).toBe("fail");
  });

  it("passes a significant shift smaller than the margin (+3% latency): significant is not the same as relevant", () => {
    const j = judge(config, {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20 }))),
      canary: side("canary", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20.6 }))),
    });
    const p50 = row(j, "p50 (steady)");
    expect(p50.ci![0]).toBeGreaterThan(0);
    expect(p50.classification).toBe("pass");
    expect(p50.pValue!).toBeLessThan(0.001);
    expect(p50.reason).toBe("interval [+0.4ms, +0.8ms] within the margin +2ms");
  });

  it("fails a canary with +2 points of errors on the critical error rate, compared as proportions", () => {
    const j = judge(config, {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, errorRatio: 0.005 }))),
      canary: side("canary", trials(2, (k) => ({ seed: 20 + k, errorRatio: 0.025 }))),
    });
    const e = row(j, "error_rate (steady)");
    expect(e).toMatchObject({ method: "proportions", classification: "high", critical: true });
    expect(e.shift).toBeCloseTo(0.02, 2);
    expect(j.verdict).toBe("fail");
    expect(j.reasons).toContain(`error_rate (steady) (critical): ${e.reason}`);
  });

  it("fails a canary that recovers 2× slower on MTTR when trials give enough faults; too few is inconclusive, never a fail", () => {
    const sides = (n: number) => ({
      baseline: side("baseline", trials(n, (k) => ({ seed: 10 + k, faults: crash(1_500 + 37 * k) }))),
      canary: side("canary", trials(n, (k) => ({ seed: 20 + k, faults: crash(3_000 + 53 * k) }))),
    });
    const enough = judge(config, sides(3));
    expect(row(enough, "mttr")).toMatchObject({ classification: "high", counted: true, baseline: { n: 6 }, canary: { n: 6 } });
    expect(enough.verdict).toBe("fail");
    const few = judge(config, sides(1));
    expect(row(few, "mttr")).toMatchObject({ classification: "inconclusive", counted: true, moreSamples: 2, reason: "too few samples (2 and 2) to show a change at 95%: at least 4 a side" });
  });

  it("fails a canary whose latency spreads twice as wide at the same median on its tails, not on its median", () => {
    const j = judge(config, {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k }))),
      canary: side("canary", trials(2, (k) => ({ seed: 20 + k, spread: 2 }))),
    });
    expect(row(j, "p50 (steady)").classification).toBe("pass");
    for (const name of ["tail_p95 (steady)", "tail_p99 (steady)"]) expect(row(j, name)).toMatchObject({ method: "mann-whitney", classification: "high" });
    expect(row(j, "tail_p99 (steady)").reason).toMatch(/; each window's share slower than [\d.]+ms, the baseline's p99 \+ 10%$/);
    // The same spread on both sides: the tails pass.
    const same = judge(config, { baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, spread: 2 }))), canary: side("canary", trials(2, (k) => ({ seed: 20 + k, spread: 2 }))) });
    for (const name of ["tail_p95 (steady)", "tail_p99 (steady)"]) expect(row(same, name).classification).toBe("pass");
  });

  it("counts a fault that never recovered with the time it was watched: worst rank, no rule of its own", () => {
    const never = [{ kind: "crash" as const, atMs: 10_000, outageMs: null }, { kind: "crash" as const, atMs: 20_000, outageMs: null }];
    const j = judge(config, {
      baseline: side("baseline", trials(3, (k) => ({ seed: k, faults: crash(1_500 + 20 * k) }))),
      canary: side("canary", trials(3, (k) => ({ seed: k, faults: never }))),
    });
    const mttr = row(j, "mttr");
    expect(mttr.canary).toEqual({ n: 6, value: 15_000 });
    expect(mttr.classification).toBe("high");
    expect(mttr.reason).toMatch(/; never recovered: baseline 0, canary 6 \(counted as the time watched\)$/);
    // One stray never-recovered fault on one side of an A/A pair is noise, not a verdict.
    const once = judge(config, {
      baseline: side("baseline", trials(4, (k) => ({ seed: k, faults: crash(1_500 + 20 * k) }))),
      canary: side("canary", trials(4, (k) => ({ seed: k + 9, faults: k ? crash(1_510 + 20 * k) : [crash(1_500)[0]!, { kind: "crash", atMs: 20_000, outageMs: null }] }))),
    });
    expect(row(once, "mttr").classification).toBe("pass");
  });

  it("judges constant per-window throughput on each side (capped at 200/s against 150/s) as complete separation", () => {
    const only = { ...config, metrics: config.metrics.filter((m) => m.name === "throughput (steady)") };
    const capped = (rate: number) => side("x", trials(2, (k) => ({ seed: 10 + k, rate })));
    const lower = row(judge(only, { baseline: capped(200), canary: capped(150) }), "throughput (steady)");
    expect(lower).toMatchObject({ classification: "low", counted: true, shift: -50, ci: [-50, -50], marginValue: 20, reason: "lower: interval [-50/s, -50/s] below the margin -20/s, Holm p 1.1e-27 < 5%" });
    // The same separation within the margin (10% of 200/s) passes.
    const close = row(judge(only, { baseline: capped(200), canary: capped(190) }), "throughput (steady)");
    expect(close).toMatchObject({ classification: "pass", shift: -10, ci: [-10, -10], reason: "interval [-10/s, -10/s] within the margin -20/s" });
  });

  it("leaves MTTD out when the runs did not watch for detection, instead of counting every fault as never detected", () => {
    const unwatched = judge(config, {
      baseline: side("baseline", trials(3, (k) => ({ seed: 10 + k, faults: crash(1_500 + 20 * k) }))),
      canary: side("canary", trials(3, (k) => ({ seed: 20 + k, faults: crash(1_510 + 20 * k) }))),
    });
    expect(row(unwatched, "mttd")).toMatchObject({ classification: "nodata", counted: false, baseline: { n: 0 }, canary: { n: 0 }, reason: "no samples on one side" });
    // Watched runs (alerts and detectors) give one value per fault.
    const watched = judge(config, {
      baseline: side("baseline", trials(3, (k) => ({ seed: 10 + k, faults: crash(1_500 + 20 * k), extras: true }))),
      canary: side("canary", trials(3, (k) => ({ seed: 20 + k, faults: crash(1_510 + 20 * k), extras: true }))),
    });
    expect(row(watched, "mttd")).toMatchObject({ counted: true, baseline: { n: 6, value: 1_400 }, canary: { n: 6, value: 1_400 } });
  });

  it("scores by group weights and metric weights; fails below the marginal threshold, is inconclusive between", () => {
    const latency = {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20 }))),
      canary: side("canary", trials(2, (k) => ({ seed: 20 + k, latencyMs: 26 }))),
    };
    const only = (names: string[], thresholds = { pass: 95, marginal: 75 }) => ({ ...config, thresholds, metrics: config.metrics.filter((m) => names.includes(m.name)) });
    const four = ["p99 (steady)", "throughput (steady)", "error_rate (steady)", "p50 (steady)"];
    // One group, every metric weighing 1: 2 of 4 passed.
    const j = judge(only(four), latency);
    expect(j).toMatchObject({ score: 50, verdict: "fail", because: "score 50 and at most 50 if every open metric passed, below 75 (p50 (steady), p99 (steady) failed)" });
    expect(judge(only(four, { pass: 95, marginal: 50 }), latency)).toMatchObject({ verdict: "inconclusive", because: "score 50 between 50 and 95" });
    // Kayenta's groups: latency weighing 3, throughput and errors 1 each, bring the score to 40.
    const grouped = only(four);
    const metric = (m: MetricSpec) => (m.source.kind === "metric" ? m.source.metric : undefined);
    grouped.metrics = grouped.metrics.map((m) => ({ ...m, group: metric(m) === "p50" || metric(m) === "p99" ? "latency" : metric(m) === "throughput" ? "throughput" : "errors" }));
    expect(judge({ ...grouped, groups: { latency: 3, throughput: 1, errors: 1 } }, latency).score).toBeCloseTo(40, 9);
    // A metric's weight counts within its group: p50 weighing 3 of 4 in one group with throughput passes 1 of 4.
    const weighted = { ...only(["p50 (steady)", "throughput (steady)"]) };
    weighted.metrics = weighted.metrics.map((m) => ({ ...m, weight: metric(m) === "p50" ? 3 : 1 }));
    expect(judge(weighted, latency).score).toBe(25);
  });

  it("is inconclusive, not a fail, when nothing has enough samples, and says how many would do", () => {
    const one = (seed: number) => side("x", [{ seed, faults: crash(1_500 + seed) }]);
    const mttrOnly = { ...config, metrics: config.metrics.filter((m) => m.name === "mttr") };
    const j = judge(mttrOnly, { baseline: one(1), canary: one(2) });
    expect(j).toMatchObject({ verdict: "inconclusive", score: 0, scoreUpper: 100, because: "critical mttr is inconclusive" });
    expect(j.reasons).toEqual(["mttr (critical): too few samples (2 and 2) to show a change at 95%: at least 4 a side"]);
  });

  it("adjusts p-values with Holm's method over the metrics tested, as R's p.adjust", () => {
    const j = judge(config, {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20 }))),
      canary: side("canary", trials(2, (k) => ({ seed: 20 + k, latencyMs: 20.6 }))),
    });
    const tested = j.metrics.filter((m) => m.pValue !== null && !/identical|equal/.test(m.reason));
    const sorted = [...tested].sort((a, b) => a.pValue! - b.pValue!);
    let running = 0;
    sorted.forEach((m, k) => {
      running = Math.max(running, Math.min(1, (tested.length - k) * m.pValue!));
      expect(m.adjustedP).toBeCloseTo(running, 12);
    });
    expect(tested.length).toBeGreaterThan(1);
  });
});

describe("judge configuration", () => {
  it("has defaults: 95% intervals, 5% family-wise level, pass 95, marginal 75, margins with floors, critical errors and MTTR", () => {
    expect(config).toMatchObject({ confidence: 0.95, familyLevel: 0.05, exact: "auto", thresholds: { pass: 95, marginal: 75 }, groups: { all: 1 } });
    expect(config.metrics.map((m) => [m.name, m.direction, m.margin, m.floor, m.critical, m.group])).toEqual([
      ["p50 (steady)", "increase", 0.1, 1, false, "all"],
      ["p99 (steady)", "increase", 0.1, 1, false, "all"],
      ["p99 (faults)", "increase", 0.2, 1, false, "all"],
      ["tail_p95 (steady)", "increase", 0, 0.025, false, "all"],
      ["tail_p99 (steady)", "increase", 0, 0.005, false, "all"],
      ["throughput (steady)", "decrease", 0.1, 0, false, "all"],
      ["error_rate (steady)", "increase", 0, 0.01, true, "all"],
      ["error_rate (faults)", "increase", 0, 0.05, true, "all"],
      ["mttr", "increase", 0.2, 500, true, "all"],
      ["mttd", "increase", 0.2, 500, false, "all"],
    ]);
  });

  it("reports every mistake of a judge file, located, with the valid choices", () => {
    expect(judgeFileErrors("judge.yaml")).toEqual([
      "test/invalid/judge.yaml:1:35: thresholds.marginal: must not be above pass (90)",
      "test/invalid/judge.yaml:2:9: margin: is now set per metric (`margin` and `floor` under `metrics`)",
      'test/invalid/judge.yaml:6:15: metrics[1].metric: "latency" is not allowed (valid: p50, p90, p95, p99, max, mean, throughput, error_rate, tail_p95, tail_p99, mttr, mttd)',
      "test/invalid/judge.yaml:7:44: metrics[2].phase: mttr has one value per fault: remove phase",
      "test/invalid/judge.yaml:8:31: metrics[3].tolerance: is now `margin` (relative to the baseline) and `floor` (absolute)",
      'test/invalid/judge.yaml:9:27: metrics[4].floor: "fast" is not a duration like "2ms" or "1.5s"',
      "test/invalid/judge.yaml:10:5: metrics[5]: has no margin: give `margin` (relative) or `floor` (absolute) above 0, or every change would matter",
      'test/invalid/judge.yaml:11:34: metrics[6].group: "speed" is not among groups (valid: latency)',
    ]);
  });
});
