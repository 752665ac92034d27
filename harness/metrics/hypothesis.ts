// The steady-state hypothesis, evaluated on one window of one source (load, a probe or a journey): it holds
// when the window saw at least one outcome and every condition (error rate, latency quantiles) is met.
// Silence is not health: a window in which nothing completed does not hold. Journeys (sparse sources) are
// the exception on both counts: see `violation`.
import { holds, type Comparison } from "../slo/grammar.ts";
import type { LatencyKey } from "./histogram.ts";
import type { WindowStats } from "./recorder.ts";

export interface HypothesisConditions {
  errorRate?: Comparison;
  p50?: Comparison;
  p90?: Comparison;
  p95?: Comparison;
  p99?: Comparison;
  max?: Comparison;
}

export interface HypothesisSpec extends HypothesisConditions {
  windowMs: number;
  stableForMs: number;
}

const LATENCY_KEYS: LatencyKey[] = ["p50", "p90", "p95", "p99", "max"];

/**
 * Why the hypothesis does not hold in this window, or undefined when it holds. A sparse source (a browser
 * journey) is judged by its error rate only: its empty windows are no evidence either way, and a journey's
 * duration (a whole user flow of page loads and clicks) is not a request latency, so `p99 < 300ms` applies
 * to the load and the probes, never to a journey.
 */
export function violation(h: HypothesisConditions, w: WindowStats, sparse = false): string | undefined {
  const total = w.ok + w.failed;
  if (total === 0) return sparse ? undefined : "no outcomes";
  if (h.errorRate && !holds(w.failed / total, h.errorRate)) return `error rate ${((100 * w.failed) / total).toFixed(1)}%`;
  if (sparse) return undefined;
  for (const key of LATENCY_KEYS) {
    const c = h[key];
    if (!c) continue;
    const measured = w.latency[key];
    if (measured === undefined || !holds(measured, c)) return `${key} ${measured ?? "n/a"}ms`;
  }
  return undefined;
}

export function describeHypothesis(h: HypothesisConditions): string[] {
  const out: string[] = [];
  if (h.errorRate) out.push(`error rate ${h.errorRate.op} ${h.errorRate.value * 100}%`);
  for (const key of LATENCY_KEYS) {
    const c = h[key];
    if (c) out.push(`${key} ${c.op} ${c.value}ms`);
  }
  return out;
}
