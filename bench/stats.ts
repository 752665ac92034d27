// Summaries of repeated measurements (simple-statistics): the median is robust to one noisy repeat on a
// shared machine; the spread is kept in the details.
import { max, median, min } from "simple-statistics";

export function summary(values: readonly number[]): { median: number; min: number; max: number; values: number[] } {
  const v = [...values];
  return { median: round(median(v)), min: round(min(v)), max: round(max(v)), values: v.map((x) => round(x)) };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
