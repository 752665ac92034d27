// The tails of the latency distribution: the latency histograms of a phase's windows (every successful
// request, journal `windows[].series.SOURCE.histogram`) pooled over a side's trials, their quantiles, and
// how many requests are slower than a threshold. A canary whose latency spreads out at the same median keeps
// its per-window medians and most of its per-window p99s, but has many more requests above the baseline's
// p99 than the baseline's own 1 %: `tailProportions` gives both shares, to be compared as two proportions.
//
// Quantiles are bucket midpoints, within the histogram's relative error of the exact nearest-rank quantile of
// the raw latencies (LATENCY_HISTOGRAM_RELATIVE_ERROR, < 0.79 %, plus the 1 µs resolution).
import { formatPath, UsageError } from "../contracts/errors.ts";
import { LOAD_SOURCE } from "../contracts/journal.ts";
import { bucketBounds, bucketMidMs, bucketOf, decodeHistogram, LATENCY_HISTOGRAM_BITS, type DecodedHistogram } from "../contracts/latency-histogram.ts";
import type { Phase } from "./config.ts";
import type { Proportion } from "./proportions.ts";
import { phaseWindows, type Side } from "./samples.ts";

export type { DecodedHistogram } from "../contracts/latency-histogram.ts";

/**
 * One histogram of all the given ones. Histograms of different resolutions merge exactly into the coarsest
 * (bucket boundaries of fewer sub-bucket bits are a subset of those of more).
 */
export function mergeHistograms(histograms: readonly DecodedHistogram[]): DecodedHistogram {
  const bits = histograms.length ? Math.min(...histograms.map((h) => h.subBucketBits)) : LATENCY_HISTOGRAM_BITS;
  const counts = new Map<number, number>();
  let total = 0;
  for (const h of histograms) {
    for (const [index, n] of h.buckets) {
      const i = h.subBucketBits === bits ? index : bucketOf(bucketBounds(index, h.subBucketBits).lo, bits);
      counts.set(i, (counts.get(i) ?? 0) + n);
      total += n;
    }
  }
  return { subBucketBits: bits, buckets: [...counts].sort((a, b) => a[0] - b[0]), total };
}

/**
 * Every successful request of `source` (the load by default) in the windows of the phase, over the side's
 * trials. A window with successes but no histogram (a journal from an older steadystate), or a malformed one,
 * is a UsageError naming the file and the field.
 */
/** Whether every window of the phase with successes carries a histogram (journals of older versions do not). */
export function hasHistograms(side: Side, phase: Phase, source: string = LOAD_SOURCE): boolean {
  return side.journals.every(({ file, journal }) => phaseWindows(file, journal, phase).every((w) => !(w.series[source]?.ok ?? 0) || w.series[source]!.histogram !== undefined));
}

export function pooledHistogram(side: Side, phase: Phase, source: string = LOAD_SOURCE): DecodedHistogram {
  return mergeHistograms(windowHistograms(side, phase, source));
}

/** The histogram of each window of the phase with successes, over the side's trials (validated as pooledHistogram). */
function windowHistograms(side: Side, phase: Phase, source: string = LOAD_SOURCE): DecodedHistogram[] {
  const parts: DecodedHistogram[] = [];
  for (const { file, journal } of side.journals) {
    const windows = phaseWindows(file, journal, phase);
    const indexOf = new Map(journal.windows!.map((w, k) => [w, k]));
    for (const w of windows) {
      const series = w.series[source];
      if (!series) continue;
      const path = ["windows", indexOf.get(w)!, "series", source, "histogram"];
      if (series.histogram === undefined) {
        if (!(series.ok > 0)) continue;
        throw new UsageError(`${file}: ${formatPath(path)}: missing: the journal has no latency histograms (it was written by an older steadystate); run it again`);
      }
      const h = decodeHistogram(series.histogram, { file, path });
      if (typeof series.ok === "number" && h.total > series.ok) {
        throw new UsageError(`${file}: ${formatPath(path)}: counts ${h.total} requests, more than the window's ${series.ok} successful ones`);
      }
      parts.push(h);
    }
  }
  return parts;
}

/**
 * The latency in ms at quantile q (0 to 1) by nearest rank: the midpoint of the bucket holding the
 * ⌈q × total⌉-th fastest request (the first for q = 0); undefined for an empty histogram.
 */
export function quantileOf(histogram: DecodedHistogram, q: number): number | undefined {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not between 0 and 1`);
  if (histogram.total === 0) return undefined;
  // As HdrHistogram: q × total is rounded up, but a product one ulp above an integer is that integer.
  const x = q * histogram.total;
  const rank = Math.max(1, Math.ceil(x - x * Number.EPSILON));
  let seen = 0;
  for (const [index, n] of histogram.buckets) {
    seen += n;
    if (seen >= rank) return bucketMidMs(index, histogram.subBucketBits);
  }
  return bucketMidMs(histogram.buckets[histogram.buckets.length - 1]![0], histogram.subBucketBits);
}

/**
 * Requests strictly slower than `thresholdMs` (those of the buckets whose midpoint is above it), of all
 * requests. With a threshold taken from the same histogram (`quantileOf`), its own bucket is not above it.
 */
export function shareAbove(histogram: DecodedHistogram, thresholdMs: number): Proportion {
  let count = 0;
  for (const [index, n] of histogram.buckets) if (bucketMidMs(index, histogram.subBucketBits) > thresholdMs) count += n;
  return { count, total: histogram.total };
}

export interface TailProportions {
  thresholdMs: number | null;
  baseline: Proportion;
  canary: Proportion;
  /** Each window's share above the threshold, side by side (the samples the judge's rank test compares). */
  baselineWindows: number[];
  canaryWindows: number[];
}

/**
 * The share of each side's requests above the baseline's pooled q-quantile (q = 0.99: its p99) × (1 + above),
 * in the phase. The baseline's share is about 1 − q by construction; a canary with the same distribution has about
 * the same, and one with wider tails more.
 */
export function tailProportions(baseline: Side, canary: Side, phase: Phase, q: number, above = 0, source: string = LOAD_SOURCE): TailProportions {
  const bw = windowHistograms(baseline, phase, source);
  const cw = windowHistograms(canary, phase, source);
  const b = mergeHistograms(bw);
  const c = mergeHistograms(cw);
  const quantile = quantileOf(b, q);
  const thresholdMs = quantile === undefined ? null : quantile * (1 + above);
  if (thresholdMs === null) return { thresholdMs, baseline: { count: 0, total: b.total }, canary: { count: 0, total: c.total }, baselineWindows: [], canaryWindows: [] };
  const shares = (ws: DecodedHistogram[]) => ws.map((w) => shareAbove(w, thresholdMs)).map((p) => p.count / p.total);
  return { thresholdMs, baseline: shareAbove(b, thresholdMs), canary: shareAbove(c, thresholdMs), baselineWindows: shares(bw), canaryWindows: shares(cw) };
}
