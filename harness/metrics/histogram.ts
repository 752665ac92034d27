// Latency histograms (HdrHistogram, values in microseconds) and the percentile summaries kept per bucket.
import * as hdr from "hdr-histogram-js";
import type { LatencySummary } from "../contracts/journal.ts";

export type Histogram = hdr.Histogram;

const HIGHEST_US = 3_600_000_000; // one hour

/** 2 significant digits (±1 %) for per-bucket histograms, 3 for run-wide ones. */
export function newHistogram(significantDigits: 2 | 3 = 2): Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: significantDigits,
  });
}

export function recordMs(h: Histogram, latencyMs: number): void {
  h.recordValue(Math.min(HIGHEST_US, Math.max(1, Math.round(latencyMs * 1_000))));
}

/** Latency in ms at quantile q (0..100), or undefined when the histogram is empty. */
export function quantileMs(h: Histogram, q: number): number | undefined {
  if (h.totalCount === 0) return undefined;
  const us = q >= 100 ? h.maxValue : h.getValueAtPercentile(q);
  return Math.round(us) / 1_000;
}

export const encode = (h: Histogram): string => hdr.encodeIntoCompressedBase64(h);
export const decode = (s: string): Histogram => hdr.decodeFromCompressedBase64(s);

export const QUANTILES = { p50: 50, p90: 90, p95: 95, p99: 99, max: 100 } as const;
export type LatencyKey = keyof typeof QUANTILES;

/**
 * The histogram's mean in µs, by the library's own formula (median-equivalent value × count) in one pass
 * over the counts: hdr-histogram-js's `mean` walks an iterator that costs ~0.5 ms per call, which summed
 * over every sealed bucket and window was the largest cost of recording during the load.
 */
function meanUs(h: Histogram): number {
  if (!(h instanceof hdr.JsHistogram)) return h.mean;
  let total = 0;
  for (let i = 0; i < h.countsArrayLength; i++) {
    const n = h.getCountAtIndex(i);
    if (n) total += h.medianEquivalentValue(h.valueFromIndex(i)) * n;
  }
  return total / h.totalCount;
}

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return {};
  const out: LatencySummary = { mean: Math.round(meanUs(h)) / 1_000 };
  for (const [key, q] of Object.entries(QUANTILES)) out[key as LatencyKey] = quantileMs(h, q);
  return out;
}
