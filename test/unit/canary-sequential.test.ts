// The sequential judge (harness/canary/sequential.ts): the boundary against its formulas, the decisions, the
// simulation that shows why it exists (peeking at a fixed-sample interval after every pair inflates false
// positives; the confidence sequence does not), and the judgement of fixture journals pair by pair.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { falsePositiveRate, pairsUsed } from "../../bench/sequential-sim.ts";
import { loadJudgeConfig, type JudgeConfig } from "../../harness/canary/config.ts";
import { normalQuantile } from "../../harness/canary/normal.ts";
import {
  analyseSequential,
  asymptoticHalfWidth,
  confidenceInterval,
  continues,
  decide,
  firstBoundedPair,
  minusLambertWm1,
  pairLine,
  plannedPair,
  practicalMargin,
  rho2For,
  sequentialText,
  tBoundary,
  tHalfWidth,
  type Pair,
} from "../../harness/canary/sequential.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

describe("the boundary", () => {
  it("takes ρ from Howard et al.'s eq. (3.14): z = −W₋₁(−α²/e) solves z e^(−z) = α²/e, and ρ² minimises the asymptotic width at t*", () => {
    for (const alpha of [0.05, 0.0125, 0.001]) {
      const z = minusLambertWm1(alpha);
      expect(z).toBeGreaterThan(1);
      expect(z * Math.exp(-z)).toBeCloseTo((alpha * alpha) / Math.E, 12);
      const rho2 = rho2For(10, alpha);
      const at = (r: number) => asymptoticHalfWidth(10, 1, r, alpha);
      expect(at(rho2)).toBeLessThan(at(rho2 * 1.05));
      expect(at(rho2)).toBeLessThan(at(rho2 / 1.05));
    }
  });

  it("inverts the t mixture: at |T| = the boundary the Bayes factor is exactly 1/α", () => {
    const bayesFactor = (t: number, T: number, g: number) => {
      const nu = t - 1;
      const a = 1 + t * g;
      return a ** -0.5 * ((1 + (T * T) / nu) / (1 + (T * T) / (nu * a))) ** ((nu + 1) / 2);
    };
    for (const [t, alpha] of [
      [5, 0.05],
      [7, 0.0125],
      [20, 0.00625],
    ] as const) {
      const rho2 = rho2For(plannedPair(20), alpha);
      const b = tBoundary(t, rho2, alpha);
      expect(b).toBeLessThan(Infinity);
      expect(bayesFactor(t, b, rho2)).toBeCloseTo(1 / alpha, 6);
    }
  });

  it("is unbounded while the mixture cannot reach 1/α, and tends to Waudby-Smith et al.'s asymptotic sequence", () => {
    const rho2 = rho2For(5, 0.05);
    expect(tBoundary(2, rho2, 0.05)).toBe(Infinity);
    expect(tBoundary(1, rho2, 0.05)).toBe(Infinity);
    expect(tBoundary(4, rho2, 0.05)).toBeLessThan(Infinity);
    expect(firstBoundedPair(10, 0.05)).toBe(4);
    expect(firstBoundedPair(10, 0.05 / 4)).toBe(5);
    const ratio = (t: number) => tHalfWidth(t, 1, rho2, 0.05) / asymptoticHalfWidth(t, 1, rho2, 0.05);
    expect(ratio(20)).toBeGreaterThan(ratio(200));
    expect(ratio(10_000)).toBeCloseTo(1, 3);
    expect(ratio(10_000)).toBeGreaterThan(1);
  });

  it("makes no zero-width sequence of identical differences: the floor keeps a width", () => {
    const rho2 = rho2For(5, 0.05);
    const same = [3, 3, 3, 3, 3, 3];
    expect(confidenceInterval(same, 0.05, rho2).bounds).toEqual([3, 3]);
    const floored = confidenceInterval(same, 0.05, rho2, 0.2);
    expect(floored.sd).toBe(0.2);
    expect(floored.bounds[0]).toBeLessThan(3);
    expect(floored.bounds[1]).toBeGreaterThan(3);
    expect(floored.bounds[1] - 3).toBeCloseTo(3 - floored.bounds[0], 12);
  });
});

describe("decisions against the margin", () => {
  it("fails beyond the margin on a bad side, passes inside it on every bad side, continues otherwise", () => {
    expect(decide([2.5, 4], 2, "increase")).toBe("fail");
    expect(decide([-9, 1.9], 2, "increase")).toBe("pass");
    expect(decide([1, 3], 2, "increase")).toBe("continue");
    expect(decide([-4, -2.5], 2, "decrease")).toBe("fail");
    expect(decide([-1.9, 50], 2, "decrease")).toBe("pass");
    expect(decide([-1, 1], 2, "either")).toBe("pass");
    expect(decide([-3, 1], 2, "either")).toBe("continue");
    expect(decide([-9, -2.5], 2, "either")).toBe("fail");
    expect(decide([-Infinity, Infinity], 2, "either")).toBe("continue");
    // Margin 0: a difference is declared when the sequence excludes 0; nothing can pass.
    expect(decide([0.1, 2], 0, "either")).toBe("fail");
    expect(decide([-0.1, 0.1], 0, "either")).toBe("continue");
  });

  it("takes each metric's margin and floor from the judge configuration", () => {
    const config = loadJudgeConfig(undefined);
    const margins = Object.fromEntries(config.metrics.map((m) => [m.name, practicalMargin(m)]));
    expect(margins["p50 (steady)"]).toEqual({ margin: 0.1, floor: 1 });
    expect(margins["error_rate (steady)"]).toEqual({ margin: 0, floor: 0.01 });
  });
});

describe("simulated A/A series (seeded): peeking after every pair", () => {
  const SERIES = 2_000;
  const MAX_PAIRS = 20;
  const ALPHA = 0.05;
  /** The rate may exceed α by chance alone: a one-sided 99.9% binomial allowance. */
  const allowance = normalQuantile(0.999) * Math.sqrt((ALPHA * (1 - ALPHA)) / SERIES);
  const options = { seed: 20_261_203, series: SERIES, maxPairs: MAX_PAIRS, alpha: ALPHA };

  it("at the fixed-sample 95% interval declares a difference far more often than 5%", () => {
    expect(falsePositiveRate("fixed", options)).toBeGreaterThan(0.1);
  });

  it("at the confidence sequence keeps false positives within 5%", () => {
    expect(falsePositiveRate("sequential", options)).toBeLessThanOrEqual(ALPHA + allowance);
  });

  it("at the asymptotic sequence with the empirical variance, as written, does not (why the judge mixes the variance out)", () => {
    expect(falsePositiveRate("asymptotic", options)).toBeGreaterThan(ALPHA + allowance);
  });
});

describe("simulated series (seeded): pairs the sequential judge runs", () => {
  it("decides a clear regression (+30% latency) as a failure in far fewer pairs than the most", () => {
    const r = pairsUsed({ seed: 7, series: 500, maxPairs: 20, alpha: 0.05 / 4, margin: 0.1, direction: "increase", effect: 0.3 });
    expect(r.pass).toBe(0);
    expect(r.fail).toBeGreaterThan(0.99);
    expect(r.median).toBeLessThanOrEqual(10);
    expect(r.q3).toBeLessThan(20);
  });

  it("never fails an A/A canary on a 10% margin, and passes most within 20 pairs", () => {
    const r = pairsUsed({ seed: 8, series: 500, maxPairs: 20, alpha: 0.05 / 4, margin: 0.1, direction: "increase", effect: 0 });
    expect(r.fail).toBe(0);
    expect(r.pass).toBeGreaterThan(0.5);
  });
});

// ─── journals, pair by pair ──────────────────────────────────────────────────────────────────────

const STEADY: JudgeConfig = loadJudgeConfig(undefined);

function pairs(n: number, baseline: FixtureOptions, canary: FixtureOptions): Pair[] {
  return Array.from({ length: n }, (_, i) => ({
    baseline: { file: `baseline/trial-${i + 1}/journal.json`, journal: makeJournal({ ...baseline, seed: 100 + 2 * i }) },
    canary: { file: `canary/trial-${i + 1}/journal.json`, journal: makeJournal({ ...canary, seed: 101 + 2 * i }) },
  }));
}

/** The judgement after each pair, as the A/B loop makes it, until it stops. */
function run(config: JudgeConfig, all: Pair[], maxPairs = all.length) {
  for (let k = 1; k <= maxPairs; k++) {
    const r = analyseSequential(config, all.slice(0, k), { maxPairs });
    if (!continues(r)) return r;
  }
  throw new Error("the loop ran past its last pair");
}

describe("the sequential judgement of journals", () => {
  it("fails a 30% slower canary early: the family is what the first pair measures, each metric at α/K", () => {
    const r = run(STEADY, pairs(10, { latencyMs: 20 }, { latencyMs: 26 }));
    expect(r.verdict).toBe("fail");
    expect(r.stopped).toBe(true);
    expect(r.pairs).toBeLessThan(10);
    const byName = Object.fromEntries(r.metrics.map((m) => [m.name, m]));
    // No faults: the fault phase, MTTR and MTTD are not measured and take no share of α.
    expect(["p99 (faults)", "error_rate (faults)", "mttr", "mttd"].map((n) => byName[n]!.decision)).toEqual(["nodata", "nodata", "nodata", "nodata"]);
    expect(byName["p50 (steady)"]).toMatchObject({ decision: "fail", alpha: 0.0125 });
    expect(byName["p50 (steady)"]!.steps[r.pairs - 1]!.interval![0]).toBeGreaterThan(byName["p50 (steady)"]!.effectiveMargin!);
    // Identical throughput on both sides (capped at the load's rate): the floor keeps it sane, and it passes.
    expect(byName["throughput (steady)"]!.steps.every((s) => s.difference === 0)).toBe(true);
    expect(byName["throughput (steady)"]!.decision).toBe("pass");
    expect(byName["error_rate (steady)"]!.decision).toBe("pass");
    expect(r.reason).toMatch(/^every metric decided by pair \d+$/);
  });

  it("passes an A/A canary once every measured metric lies inside its margin", () => {
    const r = run(STEADY, pairs(10, { latencyMs: 20 }, { latencyMs: 20 }));
    expect(r.verdict).toBe("pass");
    expect(r.metrics.filter((m) => m.decision !== "nodata").every((m) => m.decision === "pass")).toBe(true);
  });

  it("stops at once when a critical metric fails, other metrics undecided", () => {
    const config: JudgeConfig = {
      ...STEADY,
      metrics: [
        { ...STEADY.metrics[0]!, margin: 0, floor: 0 }, // p50 with no margin: it can never pass
        STEADY.metrics.find((m) => m.name === "error_rate (steady)")!,
      ],
    };
    const r = run(config, pairs(10, { latencyMs: 20 }, { latencyMs: 20, errorRatio: 0.05 }));
    expect(r.verdict).toBe("fail");
    expect(r.reason).toMatch(/^error_rate \(steady\) \(critical\) failed at pair \d$/);
    expect(r.metrics[0]!.decision).toBe("undecided");
    expect(r.pairs).toBeLessThan(10);
  });

  it("is inconclusive when the last allowed pair leaves a metric undecided", () => {
    const config: JudgeConfig = { ...STEADY, metrics: [{ ...STEADY.metrics[0]!, margin: 0, floor: 0 }] };
    const r = run(config, pairs(3, { latencyMs: 20 }, { latencyMs: 20 }));
    expect(r).toMatchObject({ verdict: "inconclusive", stopped: false, pairs: 3, maxPairs: 3 });
    expect(r.reason).toBe("still undecided: p50 (steady)");
    expect(r.metrics[0]!.pairsUsed).toBe(3);
  });

  it("judges any metric by the median of each trial's samples, and leaves the tails out as no data", () => {
    const file = (yaml: string) => {
      const path = join(mkdtempSync(join(tmpdir(), "steadystate-seq-")), "judge.yaml");
      writeFileSync(path, yaml);
      return loadJudgeConfig(path);
    };
    const config = file(
      [
        "metrics:",
        "  - { probe: health, stat: p50 }",
        "  - { resource: cpu, target: api, floor: 1 }",
        "  - { metric: tail_p99, floor: 0.5% }",
        "  - { journey: nowhere, stat: p50 }",
        "",
      ].join("\n"),
    );
    const r = run(config, pairs(10, { extras: true, probeLatencyMs: 10, cpuPercent: 40 }, { extras: true, probeLatencyMs: 14, cpuPercent: 40 }));
    const byName = Object.fromEntries(r.metrics.map((m) => [m.name, m]));
    expect(byName["probe health p50 (steady)"]).toMatchObject({ decision: "fail", unit: "duration", source: { kind: "probe", probe: "health", stat: "p50" } });
    expect(byName["cpu api (steady)"]).toMatchObject({ decision: "pass", unit: "cpu" });
    // The family is the two metrics with a value a trial: α/2 each.
    expect(byName["probe health p50 (steady)"]!.alpha).toBe(0.025);
    expect(byName["tail_p99 (steady)"]!.decision).toBe("nodata");
    expect(byName["journey nowhere p50 (steady)"]!.decision).toBe("nodata");
    expect(r.verdict).toBe("fail");
    const text = sequentialText(r);
    expect(text).toContain("  tail_p99 (steady): no data (not judged sequentially: a tail has no value of one trial; see the fixed-sample judge)\n");
    expect(text).toContain("  journey nowhere p50 (steady): no data (not measured on both sides of the first pair)\n");
    expect(text).toMatch(/ {2}probe health p50 \(steady\): fail at pair \d+, \[\+[\d.]+ms, \+[\d.]+ms\] \(margin \+1(\.\d+)?ms\)/);
    expect(text).toMatch(/ {2}cpu api \(steady\): pass at pair \d+, \[[−+-]?[\d.]+% cpu, \+[\d.]+% cpu\]/);
  });

  it("says each pair in one line and the outcome in a few", () => {
    const all = pairs(10, { latencyMs: 20 }, { latencyMs: 26 });
    const first = analyseSequential(STEADY, all.slice(0, 1), { maxPairs: 10 });
    expect(pairLine(first)).toBe(
      "pair 1/10: p50 (steady) continue 1 value(s), too few, p99 (steady) continue 1 value(s), too few, throughput (steady) continue 1 value(s), too few, error_rate (steady) continue 1 value(s), too few",
    );
    const second = analyseSequential(STEADY, all.slice(0, 2), { maxPairs: 10 });
    expect(pairLine(second)).toMatch(/^pair 2\/10: p50 \(steady\) continue \[−∞, \+∞\], /);
    const last = run(STEADY, all);
    expect(pairLine(last)).toMatch(new RegExp(`^pair ${last.pairs}/10: p50 \\(steady\\) FAIL \\[\\+[\\d.]+ms, \\+[\\d.]+ms\\], `));
    const text = sequentialText(last);
    expect(text.split("\n")[0]).toMatch(/^sequential FAIL after \d+ of at most 10 pairs: every metric decided by pair \d+$/);
    expect(text).toContain("  p50 (steady): fail at pair");
    expect(text).toMatch(/ \(margin \+2(\.\d+)?ms\), α 1\.25%\n/);
    expect(text).toContain("  mttr *: no data (not measured on both sides of the first pair)\n");
  });
});
