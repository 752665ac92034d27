// The steady-state hypothesis, evaluated on one window of one source (load, a probe or a journey): it holds
// when the window saw at least one outcome and every condition (error rate, latency quantiles) is met.
// Silence is not health: a window in which nothing completed does not hold. Journeys (sparse sources) are
// the exception on both counts: see `violation`.
import { HYPOTHESIS_LATENCY_KEYS, type HypothesisConditions } from "../specs/hypothesis.ts";
import { holds } from "../specs/slo/grammar.ts";
import type { WindowStats } from "./recorder.ts";

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
  for (const key of HYPOTHESIS_LATENCY_KEYS) {
    const c = h[key];
    if (!c) continue;
    const measured = w.latency[key];
    if (measured === undefined || !holds(measured, c)) return `${key} ${measured ?? "n/a"}ms`;
  }
  return undefined;
}
