// The tails of the latency distribution from the windows' histograms: pooled over trials and phases, quantiles
// against the exact ones of the raw latencies, and the share of requests above the baseline's p99, which
// shows a canary whose variance doubled at the same median. Seeded latencies: every number is deterministic.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import type { Side } from "../../harness/canary/samples.ts";
import { mergeHistograms, pooledHistogram, quantileOf, shareAbove, tailProportions, hasHistograms } from "../../harness/canary/tails.ts";
import { UsageError } from "../../harness/contracts/errors.ts";
import type { Journal } from "../../harness/contracts/journal.ts";
import {
  bucketOf,
  decodeHistogram,
  encodeHistogram,
  LATENCY_HISTOGRAM_BITS,
  LATENCY_HISTOGRAM_RELATIVE_ERROR,
  latencyMicros,
} from "../../harness/contracts/latency-histogram.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

const SECONDS = 30;
const RATE = 200;

/** Normal latencies (Box-Muller on a seeded generator), never below 0.1 ms. */
function normal(seed: number, meanMs: number, sdMs: number): () => number {
  const rng = xoroshiro128plus(seed);
  const u = () => (uniformInt(rng, 1, 2 ** 30) - 0.5) / 2 ** 30;
  return () => Math.max(0.1, meanMs + sdMs * Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
}

const countsOf = (latencies: readonly number[], bits = LATENCY_HISTOGRAM_BITS) => {
  const counts = new Map<number, number>();
  for (const ms of latencies) {
    const b = bucketOf(latencyMicros(ms), bits);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  return counts;
};

/** A fixture journal whose every window had RATE successes drawn from `draw(window)`, written as the recorder does. */
function journal(o: FixtureOptions, draw: (window: number) => () => number, raw: number[] = []): Journal {
  const j = makeJournal({ seconds: SECONDS, rate: RATE, ...o });
  j.windows!.forEach((w, k) => {
    const next = draw(k);
    const latencies = Array.from({ length: RATE }, next);
    raw.push(...latencies);
    w.series.load = { ...w.series.load!, ok: RATE, histogram: encodeHistogram(countsOf(latencies)) };
  });
  return j;
}

const side = (label: string, journals: Journal[]): Side => ({ label, journals: journals.map((j, i) => ({ file: `${label}/trial-${i + 1}/journal.json`, journal: j })) });

/** Nearest rank, as quantileOf: the ⌈q·n⌉-th smallest (the first for q = 0). */
const exactQuantile = (sorted: readonly number[], q: number) => sorted[Math.max(1, Math.ceil(q * sorted.length - 1e-9)) - 1]!;

describe("pooled latency histograms", () => {
  const raw: number[] = [];
  const baseline = side("baseline", [1, 2].map((t) => journal({ seed: t }, (k) => normal(100 * t + k, 20, 4), raw)));
  const pooled = pooledHistogram(baseline, "steady");
  const sorted = [...raw].sort((a, b) => a - b);

  it("pool every window of every trial: 2 trials × 30 windows × 200 requests", () => {
    expect(pooled.total).toBe(12_000);
    expect(pooled.subBucketBits).toBe(LATENCY_HISTOGRAM_BITS);
  });

  it("give quantiles within the documented relative error (0.78 %, plus 1 µs rounding) of the exact ones", () => {
    for (const q of [0, 0.001, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
      const exact = exactQuantile(sorted, q);
      const h = quantileOf(pooled, q)!;
      expect(Math.abs(h - exact), `q = ${q}: ${h} against ${exact}`).toBeLessThanOrEqual(exact * LATENCY_HISTOGRAM_RELATIVE_ERROR + 0.0005);
    }
    // The values themselves: N(20 ms, 4 ms) has its median at 20 and its p99 at 20 + 2.326 × 4 = 29.3 ms.
    expect(quantileOf(pooled, 0.5)).toBeCloseTo(20, 0);
    expect(quantileOf(pooled, 0.99)).toBeGreaterThan(28.8);
    expect(quantileOf(pooled, 0.99)).toBeLessThan(29.8);
  });

  it("count the requests above a threshold as the raw values do, but for those within a bucket of it", () => {
    for (const t of [15, 20, 25, 29.3, 33]) {
      const { count, total } = shareAbove(pooled, t);
      const exact = raw.filter((v) => v > t).length;
      const near = raw.filter((v) => Math.abs(v - t) <= t * 2 * LATENCY_HISTOGRAM_RELATIVE_ERROR + 0.001).length;
      expect(total).toBe(12_000);
      expect(Math.abs(count - exact), `above ${t} ms`).toBeLessThanOrEqual(near);
    }
    expect(shareAbove(pooled, 1_000)).toEqual({ count: 0, total: 12_000 });
    expect(shareAbove(pooled, 0)).toEqual({ count: 12_000, total: 12_000 });
  });

  it("split at the first fault: the steady phase before it, the fault phase from it on", () => {
    // A crash 10 s in: windows 0-9 are steady at 20 ms, windows 10-29 under faults at 40 ms.
    const faulted = side("baseline", [1, 2].map((t) => journal({ seed: t, faults: [{ kind: "crash", atMs: 10_000, outageMs: 1_500 }] }, (k) => normal(100 * t + k, k < 10 ? 20 : 40, 4))));
    const steady = pooledHistogram(faulted, "steady");
    const faults = pooledHistogram(faulted, "faults");
    expect([steady.total, faults.total]).toEqual([4_000, 8_000]);
    expect(quantileOf(steady, 0.5)).toBeCloseTo(20, 0);
    expect(quantileOf(faults, 0.5)).toBeCloseTo(40, 0);
    expect(pooledHistogram(baseline, "faults").total).toBe(0);
  });

  it("merge histograms of different resolutions exactly into the coarser one", () => {
    const values = Array.from({ length: 1_000 }, normal(7, 20, 4));
    const fine = decodeHistogram(encodeHistogram(countsOf(values, 8), 8), { file: "f", path: [] });
    const coarse = decodeHistogram(encodeHistogram(countsOf(values)), { file: "c", path: [] });
    const merged = mergeHistograms([fine, coarse]);
    expect(merged.subBucketBits).toBe(6);
    expect(merged.total).toBe(2_000);
    // The fine half lands in exactly the buckets the coarse half is in: every count doubles.
    expect(merged.buckets).toEqual(coarse.buckets.map(([i, n]) => [i, 2 * n]));
    expect(mergeHistograms([])).toEqual({ subBucketBits: LATENCY_HISTOGRAM_BITS, buckets: [], total: 0 });
  });

  it("quantiles of an empty histogram are undefined; q must be between 0 and 1", () => {
    expect(quantileOf(mergeHistograms([]), 0.5)).toBeUndefined();
    expect(() => quantileOf(pooled, 99)).toThrow("quantile 99 is not between 0 and 1");
    expect(() => quantileOf(pooled, Number.NaN)).toThrow(RangeError);
  });
});

describe("tail proportions: the share of each side's requests above the baseline's p99", () => {
  const baselineRaw: number[] = [];
  const baseline = side("baseline", [1, 2].map((t) => journal({ seed: t }, (k) => normal(100 * t + k, 20, 4), baselineRaw)));

  it("a canary with doubled variance at the same median: about 5 % above the baseline's p99 against its 1 %", () => {
    // Variance × 2 is sd × √2: the baseline's p99 (z = 2.326) is z = 2.326 / √2 = 1.645 of the canary, its p95.
    const canary = side("canary", [1, 2].map((t) => journal({ seed: 10 + t }, (k) => normal(1_000 * t + k, 20, 4 * Math.SQRT2))));
    const r = tailProportions(baseline, canary, "steady", 0.99);
    expect(r.thresholdMs).toBe(quantileOf(pooledHistogram(baseline, "steady"), 0.99));
    expect(r.baseline.total).toBe(12_000);
    expect(r.canary.total).toBe(12_000);
    // At most 1 % by construction (the threshold's own bucket is not above it), less what shares that bucket.
    expect(r.baseline.count / r.baseline.total).toBeGreaterThan(0.008);
    expect(r.baseline.count / r.baseline.total).toBeLessThanOrEqual(0.01);
    // 5 % at the true p99; these seeds' baseline p99 is a little above it (29.57 ms): 4.1 %.
    expect(r.canary.count / r.canary.total).toBeGreaterThan(0.03);
    expect(r.canary.count / r.canary.total).toBeLessThan(0.06);
    // The medians are the same within a few tenths of a percent: only the tails tell them apart.
    const median = (s: Side) => quantileOf(pooledHistogram(s, "steady"), 0.5)!;
    expect(Math.abs(median(canary) / median(baseline) - 1)).toBeLessThan(0.01);
  });

  it("the same latencies, dealt into other windows and trials, give exactly the same share", () => {
    // The baseline's own latencies in reverse order: window k of trial 1 gets what the last windows had.
    const reversed = [...baselineRaw].reverse();
    let next = 0;
    const canary = side("canary", [1, 2].map((t) => journal({ seed: t }, () => () => reversed[next++]!)));
    const r = tailProportions(baseline, canary, "steady", 0.99);
    expect(r.canary).toEqual(r.baseline);
  });

  it("the same distribution drawn again gives the same share within sampling noise", () => {
    const canary = side("canary", [1, 2].map((t) => journal({ seed: 20 + t }, (k) => normal(5_000 * t + k, 20, 4))));
    const r = tailProportions(baseline, canary, "steady", 0.99);
    // Binomial sd of a 1 % share over 12 000 requests is 0.09 points.
    expect(Math.abs(r.canary.count / r.canary.total - r.baseline.count / r.baseline.total)).toBeLessThan(0.004);
  });

  it("no threshold without baseline requests in the phase", () => {
    const canary = side("canary", [journal({ seed: 3 }, (k) => normal(k, 20, 4))]);
    expect(tailProportions(baseline, canary, "faults", 0.99)).toEqual({ thresholdMs: null, baseline: { count: 0, total: 0 }, canary: { count: 0, total: 0 }, baselineWindows: [], canaryWindows: [] });
  });
});

describe("journals read back", () => {
  const one = (j: Journal) => side("baseline", [j]);
  const fresh = () => journal({ seed: 1 }, (k) => normal(k, 20, 4));

  it("a journal without histograms (an older steadystate) is refused, naming the field", () => {
    const old = makeJournal({ seed: 1 });
    for (const w of old.windows!) delete w.series.load!.histogram;
    expect(hasHistograms(one(old), "steady")).toBe(false);
    expect(hasHistograms(one(makeJournal({ seed: 1 })), "steady")).toBe(true);
    expect(() => pooledHistogram(one(old), "steady")).toThrow(
      new UsageError("baseline/trial-1/journal.json: windows[0].series.load.histogram: missing: the journal has no latency histograms (it was written by an older steadystate); run it again"),
    );
  });

  it("a malformed histogram is a UsageError naming the file and the field path, never a crash", () => {
    const j = fresh();
    j.windows![3]!.series.load!.histogram = { subBucketBits: 6, start: 900, counts: "2,x" };
    expect(() => pooledHistogram(one(j), "steady")).toThrow(/^baseline\/trial-1\/journal\.json: windows\[3\]\.series\.load\.histogram\.counts: must be comma-separated non-zero integers/);
    j.windows![3]!.series.load!.histogram = "1,2,3" as never;
    expect(() => pooledHistogram(one(j), "steady")).toThrow("baseline/trial-1/journal.json: windows[3].series.load.histogram: must be an object { subBucketBits, start, counts }");
  });

  it("a histogram counting more requests than the window's successes is refused", () => {
    const j = fresh();
    j.windows![5]!.series.load!.ok = 150;
    expect(() => pooledHistogram(one(j), "steady")).toThrow("baseline/trial-1/journal.json: windows[5].series.load.histogram: counts 200 requests, more than the window's 150 successful ones");
  });

  it("reads the histograms of another source (a probe) when asked", () => {
    const j = fresh();
    for (const w of j.windows!) w.series["probe:health"] = { ok: 4, failed: 0, histogram: encodeHistogram(countsOf([1, 1.1, 1.2, 9])) };
    const h = pooledHistogram(one(j), "steady", "probe:health");
    expect(h.total).toBe(4 * SECONDS);
    expect(quantileOf(h, 1)).toBeCloseTo(9, 1);
  });
});
