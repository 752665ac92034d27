// The steady-state hypothesis, evaluated on one window of one source (load or a probe): it holds when the
// window saw at least one outcome and every condition (error rate, latency quantiles) is met. Silence is
// not health: a window in which nothing completed does not hold.
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
 * Why the hypothesis does not hold in this window, or undefined when it holds. `silenceHolds` is for
 * sparse sources (journeys), whose empty windows are no evidence either way.
 */
export function violation(h: HypothesisConditions, w: WindowStats, silenceHolds = false): string | undefined {
  const total = w.ok + w.failed;
  if (total === 0) return silenceHolds ? undefined : "no outcomes";
  if (h.errorRate && !holds(w.failed / total, h.errorRate)) return `error rate ${((100 * w.failed) / total).toFixed(1)}%`;
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
