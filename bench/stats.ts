// Summaries of repeated measurements (simple-statistics): the median is robust to one noisy repeat on a
// shared machine; the spread is kept in the details.
import { max, median, min, quantile } from "simple-statistics";

export interface Summary {
  median: number;
  /** Interquartile range: where the middle half of the values lies. */
  q1: number;
  q3: number;
  min: number;
  max: number;
  values: number[];
}

export function summary(values: readonly number[]): Summary {
  const v = [...values];
  return {
    median: round(median(v)),
    q1: round(quantile(v, 0.25)),
    q3: round(quantile(v, 0.75)),
    min: round(min(v)),
    max: round(max(v)),
    values: v.map((x) => round(x)),
  };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
