import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadJudgeConfig } from "../../harness/canary/config.ts";
import { classifySamples, judge } from "../../harness/canary/judge.ts";
import type { Side } from "../../harness/canary/samples.ts";
import { ScenarioError } from "../../harness/contracts/errors.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

const config = loadJudgeConfig(undefined);
const side = (label: string, trials: FixtureOptions[]): Side => ({ label, journals: trials.map((o, i) => ({ file: `${label}/trial-${i + 1}/journal.json`, journal: makeJournal(o) })) });
const crash = (outageMs: number) => [{ kind: "crash" as const, atMs: 10_000, outageMs }, { kind: "crash" as const, atMs: 20_000, outageMs }];
const trials = (n: number, o: (k: number) => FixtureOptions) => Array.from({ length: n }, (_, k) => o(k));
const row = (j: ReturnType<typeof judge>, name: string) => j.metrics.find((m) => m.name === name)!;

describe("canary judge", () => {
  it("classifies 10..19 against 20..29 as High, as Kayenta's MannWhitneyClassifier does", () => {
    const spec = config.metrics.find((m) => m.name === "p50 (steady)")!;
    const r = classifySamples(spec, config, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19], [20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
    expect(r.classification).toBe("high");
    expect(r.shift).toBeCloseTo(10, 3);
    expect(r.ci![0]).toBeCloseTo(6, 3);
    expect(r.ci![1]).toBeCloseTo(14, 3);
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

  it("passes a significant shift smaller than the tolerance (+3% latency)", () => {
    const j = judge(config, {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20 }))),
      canary: side("canary", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20.6 }))),
    });
    const p50 = row(j, "p50 (steady)");
    expect(p50.ci![0]).toBeGreaterThan(0);
    expect(p50.classification).toBe("pass");
    expect(p50.reason).toMatch(/^within tolerance \(mean ×1\.0[2-4]\)$/);
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

  it("fails a canary that recovers 2× slower on MTTR when trials give enough faults, and says when they do not", () => {
    const sides = (n: number) => ({
      baseline: side("baseline", trials(n, (k) => ({ seed: 10 + k, faults: crash(1_500 + 37 * k) }))),
      canary: side("canary", trials(n, (k) => ({ seed: 20 + k, faults: crash(3_000 + 53 * k) }))),
    });
    const enough = judge(config, sides(3));
    expect(row(enough, "mttr")).toMatchObject({ classification: "high", counted: true, baseline: { n: 6 }, canary: { n: 6 } });
    expect(enough.verdict).toBe("fail");
    const few = judge(config, sides(1));
    expect(row(few, "mttr")).toMatchObject({ classification: "nodata", counted: false, reason: "too few samples (2 and 2) to show a shift at 98%" });
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
    expect(lower).toMatchObject({ classification: "low", counted: true, shift: -50, ci: [-50, -50], reason: "lower: mean ×0.75 (tolerated ×0.90)" });
    // The same separation within the tolerance passes.
    const close = row(judge(only, { baseline: capped(200), canary: capped(190) }), "throughput (steady)");
    expect(close).toMatchObject({ classification: "pass", shift: -10, ci: [-10, -10], reason: "within tolerance (mean ×0.95)" });
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

  it("scores 100 × passed / counted and maps it to pass, marginal or fail by the thresholds", () => {
    const latency = {
      baseline: side("baseline", trials(2, (k) => ({ seed: 10 + k, latencyMs: 20 }))),
      canary: side("canary", trials(2, (k) => ({ seed: 20 + k, latencyMs: 26 }))),
    };
    const only = (names: string[], thresholds = { pass: 95, marginal: 75 }) => ({ ...config, thresholds, metrics: config.metrics.filter((m) => names.includes(m.name)) });
    const j = judge(only(["p99 (steady)", "throughput (steady)", "error_rate (steady)", "p50 (steady)"]), latency);
    expect(j.score).toBe(50);
    expect(j.verdict).toBe("fail");
    expect(judge(only(["p99 (steady)", "throughput (steady)", "error_rate (steady)", "p50 (steady)"], { pass: 95, marginal: 50 }), latency).verdict).toBe("marginal");
  });
});

describe("judge configuration", () => {
  it("has defaults: 98% confidence, Kayenta's 0.25 margin, pass 95, marginal 75, critical errors and MTTR", () => {
    expect(config).toMatchObject({ confidence: 0.98, margin: 0.25, thresholds: { pass: 95, marginal: 75 }, marginal: "fail" });
    expect(config.metrics.map((m) => [m.name, m.direction, m.tolerance, m.critical])).toEqual([
      ["p50 (steady)", "increase", 0.1, false],
      ["p99 (steady)", "increase", 0.1, false],
      ["p99 (faults)", "increase", 0.2, false],
      ["throughput (steady)", "decrease", 0.1, false],
      ["error_rate (steady)", "increase", 0.01, true],
      ["error_rate (faults)", "increase", 0.05, true],
      ["mttr", "increase", 0.2, true],
      ["mttd", "increase", 0.2, false],
    ]);
  });

  it("reports every mistake of a judge file, located, with the valid choices", () => {
    const file = join(import.meta.dirname, "..", "invalid", "judge.yaml");
    let message = "";
    try {
      loadJudgeConfig(file);
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      message = e.message;
    }
    expect(message.split("\n")).toEqual([
      "test/invalid/judge.yaml:1:35: thresholds.marginal: must not be above pass (90)",
      'test/invalid/judge.yaml:4:15: metrics[1].metric: "latency" is not allowed (valid: p50, p90, p95, p99, max, mean, throughput, error_rate, mttr, mttd)',
      "test/invalid/judge.yaml:5:44: metrics[2].phase: mttr has one value per fault: remove phase",
    ]);
  });
});
