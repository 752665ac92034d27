// The steady-state hypothesis as the scenario states it (`steadyState`): conditions on the error rate and
// latency quantiles of each window (`OP VALUE` in the thresholds grammar), the window, and how long it must
// hold to count as recovered. Its evaluation on the recorder is harness/metrics/hypothesis.ts.
import { z } from "zod";
import type { Unit } from "../contracts/journal.ts";
import { obj, positiveDuration } from "./fields.ts";
import { parseComparison, type Comparison } from "./slo/grammar.ts";

const comparison = (unit: Unit) =>
  z.string().transform((text, ctx): Comparison => {
    const parsed = parseComparison(text, unit);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.value;
  });

export const HYPOTHESIS_LATENCY_KEYS = ["p50", "p90", "p95", "p99", "max"] as const;

export const steadyStateSchema = obj({
  errorRate: comparison("ratio").optional(),
  p50: comparison("duration").optional(),
  p90: comparison("duration").optional(),
  p95: comparison("duration").optional(),
  p99: comparison("duration").optional(),
  max: comparison("duration").optional(),
  window: positiveDuration.default(1_000),
  stableFor: positiveDuration.default(2_000),
}).transform(({ window, stableFor, ...conditions }) => ({ windowMs: window, stableForMs: stableFor, ...conditions }));

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

export function describeHypothesis(h: HypothesisConditions): string[] {
  const out: string[] = [];
  if (h.errorRate) out.push(`error rate ${h.errorRate.op} ${h.errorRate.value * 100}%`);
  for (const key of HYPOTHESIS_LATENCY_KEYS) {
    const c = h[key];
    if (c) out.push(`${key} ${c.op} ${c.value}ms`);
  }
  return out;
}
