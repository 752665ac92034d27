// The resampled calibration of the canary judge: drawing (seeded, no trial on both sides), the perturbations
// of a pseudo-canary (each keeps what the judge reads consistent), and the whole resampling on fixture journals.
import fc from "fast-check";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { loadJudgeConfig } from "../../harness/canary/config.ts";
import { addErrors, drawSides, perturb, perturbationText, resample, scaleLatency, scaleRecovery, spreadLatency, type Trial } from "../../harness/canary/resample.ts";
import { failedProportion, faultValues, windowValues, type Side } from "../../harness/canary/samples.ts";
import { pooledHistogram, quantileOf } from "../../harness/canary/tails.ts";
import type { Journal } from "../../harness/contracts/journal.ts";
import { bucketOf, encodeHistogram, LATENCY_HISTOGRAM_BITS, latencyMicros } from "../../harness/contracts/latency-histogram.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

const config = loadJudgeConfig(undefined);
const LATENCY = ["p50", "p90", "p95", "p99", "max", "mean"] as const;

/** The fixture's windows with a histogram of their successes: latencies spread evenly over 0.5–1.5 × p50. */
function withHistograms(j: Journal): Journal {
  return {
    ...j,
    windows: j.windows!.map((w) => {
      const s = w.series.load!;
      const counts = new Map<number, number>();
      for (let i = 0; i < s.ok; i++) {
        const b = bucketOf(latencyMicros(s.p50! * (0.5 + i / s.ok)), LATENCY_HISTOGRAM_BITS);
        counts.set(b, (counts.get(b) ?? 0) + 1);
      }
      return { ...w, series: { ...w.series, load: { ...s, histogram: encodeHistogram(counts) } } };
    }),
  };
}

const one = (j: Journal): Side => ({ label: "x", journals: [{ file: "trial/journal.json", journal: j }] });
const load = (j: Journal) => j.windows!.map((w) => w.series.load!);
const crashes = (outageMs: number) => [2_000, 8_000, 14_000, 20_000].map((atMs) => ({ kind: "crash" as const, atMs, outageMs }));

describe("drawing a comparison", () => {
  it("draws repeat trials a side, all distinct: no trial on both sides, none twice in one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 20 }), fc.integer(), (repeat, extra, seed) => {
        const pool = 2 * repeat + extra;
        const rng = xoroshiro128plus(seed);
        for (let i = 0; i < 20; i++) {
          const d = drawSides(rng, pool, repeat);
          expect(d.baseline).toHaveLength(repeat);
          expect(d.canary).toHaveLength(repeat);
          const all = [...d.baseline, ...d.canary];
          expect(new Set(all).size).toBe(2 * repeat);
          for (const k of all) expect(k >= 0 && k < pool && Number.isInteger(k)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("is deterministic with a seed, and another seed draws otherwise", () => {
    const draws = (seed: number) => {
      const rng = xoroshiro128plus(seed);
      return Array.from({ length: 10 }, () => drawSides(rng, 12, 2));
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
  });

  it("reaches every trial of the pool on both sides", () => {
    const rng = xoroshiro128plus(1);
    const seen = { baseline: new Set<number>(), canary: new Set<number>() };
    for (let i = 0; i < 200; i++) {
      const d = drawSides(rng, 12, 2);
      d.baseline.forEach((k) => seen.baseline.add(k));
      d.canary.forEach((k) => seen.canary.add(k));
    }
    expect(seen.baseline.size).toBe(12);
    expect(seen.canary.size).toBe(12);
  });

  it("refuses a pool too small to draw both sides without overlap", () => {
    expect(() => drawSides(xoroshiro128plus(1), 3, 2)).toThrow(RangeError);
    expect(() => drawSides(xoroshiro128plus(1), 4, 0)).toThrow(RangeError);
  });
});

describe("perturbations of a pseudo-canary", () => {
  const steady = withHistograms(makeJournal({ seed: 3, seconds: 8, latencyMs: 50, errorRatio: 0.004 }));

  it("are named as the calibration table writes them", () => {
    expect(perturbationText({ kind: "latency", factor: 1.1 })).toBe("latency +10%");
    expect(perturbationText({ kind: "latency", factor: 1.3 })).toBe("latency +30%");
    expect(perturbationText({ kind: "errors", points: 0.01 })).toBe("errors +1 pt");
    expect(perturbationText({ kind: "errors", points: 0.02 })).toBe("errors +2 pts");
    expect(perturbationText({ kind: "spread", varianceFactor: 2 })).toBe("latency variance ×2 (same median)");
    expect(perturbationText({ kind: "mttr", factor: 2 })).toBe("MTTR ×2");
  });

  it("latency × 1.3: every latency field and the histogram's latencies, counts unchanged, the input untouched", () => {
    const copy = structuredClone(steady);
    const out = scaleLatency(steady, 1.3);
    expect(steady).toEqual(copy);
    load(out).forEach((s, k) => {
      const before = load(steady)[k]!;
      for (const f of LATENCY) expect(s[f]).toBeCloseTo(before[f]! * 1.3, 9);
      expect([s.ok, s.failed]).toEqual([before.ok, before.failed]);
    });
    for (const q of [0.5, 0.99]) {
      const [b, c] = [steady, out].map((j) => quantileOf(pooledHistogram(one(j), "steady"), q)!);
      expect(c! / b!).toBeGreaterThan(1.3 * (1 - 0.02));
      expect(c! / b!).toBeLessThan(1.3 * (1 + 0.02));
    }
    expect(pooledHistogram(one(out), "steady").total).toBe(pooledHistogram(one(steady), "steady").total);
    expect(out.timeline).toBe(steady.timeline);
  });

  it("errors + 2 points: that share of every window's requests moves from ok to failed, the histogram loses as many", () => {
    const out = addErrors(steady, 0.02);
    load(out).forEach((s, k) => {
      const before = load(steady)[k]!;
      expect(s.ok + s.failed).toBe(before.ok + before.failed);
      expect(s.failed - before.failed).toBe(Math.round(0.02 * (before.ok + before.failed)));
      for (const f of LATENCY) expect(s[f]).toBe(before[f]);
    });
    const [b, c] = [steady, out].map((j) => failedProportion(one(j), "steady"));
    expect(c!.total).toBe(b!.total);
    expect(c!.count / c!.total - b!.count / b!.total).toBeCloseTo(0.02, 9);
    expect(windowValues(one(out), "throughput", "steady").every((t, k) => t === windowValues(one(steady), "throughput", "steady")[k]! - 4)).toBe(true);
    // The histogram counts the successes: as many as the window's ok again, its shape kept.
    out.windows!.forEach((w, k) => expect(pooledHistogram(one({ ...out, windows: [w] }), "steady").total, `window ${k}`).toBe(w.series.load!.ok));
    const median = (j: Journal) => quantileOf(pooledHistogram(one(j), "steady"), 0.5)!;
    expect(Math.abs(median(out) / median(steady) - 1)).toBeLessThan(0.02);
  });

  it("errors + 1 point on 10 requests a window: fractions carry over, so the total moved is the share of all requests", () => {
    const small = makeJournal({ seed: 4, seconds: 20, rate: 10 });
    const out = addErrors(small, 0.01);
    const moved = load(out).reduce((n, s, k) => n + s.failed - load(small)[k]!.failed, 0);
    expect(moved).toBe(2); // 1% of 200 requests, although no window has 1% of a request to move
  });

  it("variance × 2 at the same median: each window's quantiles q → p50 + √2·(q − p50), order kept, histogram too", () => {
    const out = spreadLatency(steady, 2);
    load(out).forEach((s, k) => {
      const before = load(steady)[k]!;
      expect(s.p50).toBe(before.p50);
      for (const f of LATENCY) expect(s[f]! - s.p50!).toBeCloseTo(Math.SQRT2 * (before[f]! - before.p50!), 9);
      expect(s.p50! <= s.p90! && s.p90! <= s.p95! && s.p95! <= s.p99! && s.p99! <= s.max!).toBe(true);
      expect([s.ok, s.failed]).toEqual([before.ok, before.failed]);
    });
    const spread = (j: Journal) => {
      const h = pooledHistogram(one({ ...j, windows: [j.windows![0]!] }), "steady");
      return { median: quantileOf(h, 0.5)!, width: quantileOf(h, 0.95)! - quantileOf(h, 0.05)! };
    };
    const [b, c] = [spread(steady), spread(out)];
    expect(Math.abs(c.median / b.median - 1)).toBeLessThan(0.02);
    expect(c.width / b.width).toBeCloseTo(Math.SQRT2, 1);
  });

  it("variance × 2 never makes a latency negative", () => {
    const j = makeJournal({ seed: 5, seconds: 3 });
    const low = { ...j, windows: j.windows!.map((w) => ({ ...w, series: { load: { ...w.series.load!, mean: w.series.load!.p50! * 0.1 } } })) };
    for (const s of load(spreadLatency(low, 2))) expect(s.mean).toBeGreaterThanOrEqual(0);
  });

  it("MTTR × 2: mttrMs, recoveredAt and impactMs move together, and the requests of the longer outage fail", () => {
    const crash = withHistograms(makeJournal({ seed: 6, seconds: 26, latencyMs: 5, faults: crashes(1_500) }));
    const out = scaleRecovery(crash, 2);
    out.faults.forEach((f, i) => {
      const before = crash.faults[i]!;
      expect(f.mttrMs).toBe(3_000);
      expect(f.recoveredAt! - f.injectedAt!).toBe(f.mttrMs);
      expect(f.impactMs).toBe(f.recoveredAt! - f.impactStartAt!);
      expect(f.recovered).toBe(true);
      expect({ ...f, mttrMs: before.mttrMs, recoveredAt: before.recoveredAt, impactMs: before.impactMs }).toEqual(before);
    });
    expect(faultValues(one(out), "mttr")).toEqual({ values: [3_000, 3_000, 3_000, 3_000], never: 0 });
    // Steady phase untouched; under faults 4 × 1.5 s more of the load's 200 req/s fail (1,200 requests).
    expect(out.windows!.slice(0, 2)).toEqual(crash.windows!.slice(0, 2));
    const [b, c] = [crash, out].map((j) => failedProportion(one(j), "faults"));
    expect(c!.total).toBe(b!.total);
    expect(c!.count - b!.count).toBe(1_200);
    for (const w of out.windows!) expect(pooledHistogram(one({ ...out, faults: [], windows: [w] }), "steady").total).toBe(w.series.load!.ok);
  });

  it("MTTR × 2 past the end of the load: never recovered, counted with the time watched as the judge does", () => {
    const late = makeJournal({ seed: 7, seconds: 26, faults: [{ kind: "crash", atMs: 20_000, outageMs: 4_000 }] });
    const out = scaleRecovery(late, 2);
    expect(out.faults[0]).toMatchObject({ mttrMs: null, recoveredAt: null, recovered: false, impactMs: late.loadEndedAt! - late.faults[0]!.impactStartAt! });
    expect(faultValues(one(out), "mttr")).toEqual({ values: [6_000], never: 1 });
    // The last 2 s of the load fail: 400 more failed requests.
    expect(failedProportion(one(out), "faults").count - failedProportion(one(late), "faults").count).toBe(400);
  });

  it("perturb dispatches on the kind", () => {
    expect(perturb(steady, { kind: "latency", factor: 1.1 })).toEqual(scaleLatency(steady, 1.1));
    expect(perturb(steady, { kind: "errors", points: 0.01 })).toEqual(addErrors(steady, 0.01));
    expect(perturb(steady, { kind: "spread", varianceFactor: 2 })).toEqual(spreadLatency(steady, 2));
    expect(perturb(steady, { kind: "mttr", factor: 2 })).toEqual(scaleRecovery(steady, 2));
  });
});

/** A pool of recorded-like trials: the same service, each trial with its own noise. */
const pool = (n: number, o: (k: number) => FixtureOptions): Trial[] => Array.from({ length: n }, (_, k) => ({ file: `trial-${k + 1}/journal.json`, journal: makeJournal({ seed: 100 + k, ...o(k) }) }));

describe("resampling the judge on fixture journals", () => {
  const steady = pool(12, () => ({ seconds: 8, latencyMs: 50 }));

  it("is deterministic with a seed", () => {
    const run = (seed: number) => resample({ config, trials: steady, repeat: 2, comparisons: 20, seed, perturbation: { kind: "latency", factor: 1.1 } });
    expect(run(3)).toEqual(run(3));
    expect(run(3).comparisons).toBe(20);
  });

  it("measures nothing when the pool cannot give 2 × repeat distinct trials", () => {
    const t = resample({ config, trials: steady.slice(0, 3), repeat: 2, comparisons: 200, seed: 1 });
    expect(t.comparisons).toBe(0);
    expect(t.verdicts).toEqual({ pass: 0, fail: 0, inconclusive: 0 });
    expect(t.flagged).toBe(0);
  });

  it("200 A/A comparisons fail at most 5% (the family-wise level); +30% latency fails nearly all of the same draws", () => {
    const aa = resample({ config, trials: steady, repeat: 2, comparisons: 200, seed: 1 });
    const slow = resample({ config, trials: steady, repeat: 2, comparisons: 200, seed: 1, perturbation: { kind: "latency", factor: 1.3 } });
    expect(aa.comparisons).toBe(200);
    expect(aa.verdicts.fail / aa.comparisons).toBeLessThanOrEqual(config.familyLevel);
    expect(slow.verdicts.fail / slow.comparisons).toBeGreaterThanOrEqual(0.9);
    expect(slow.metrics["p50 (steady)"]!.high).toBeGreaterThanOrEqual(180);
    // No metric high or low in an A/A comparison more often than the family-wise level either; every failed comparison had one.
    expect(aa.flagged / aa.comparisons).toBeLessThanOrEqual(config.familyLevel);
    expect(slow.flagged).toBeGreaterThanOrEqual(slow.verdicts.fail);
    // Each comparison counts every configured metric once.
    for (const c of Object.values(aa.metrics)) expect(Object.values(c).reduce((a, b) => a + b, 0)).toBe(200);
  });
});
