// threshold: the value compares OP limit on every point for at least `for` (as Prometheus' `for`: 0 fires on
// the first point that crosses). No baseline and no warm-up, a delay known in advance, but the limit must
// be chosen by hand for each service and signal.
import { z } from "zod";
import { duration, obj } from "../specs/fields.ts";
import { holds, OPS, type Op } from "../specs/slo/grammar.ts";
import { sustained } from "./baseline.ts";
import type { Detector } from "./detector.ts";

export interface ThresholdParams {
  op: Op;
  value: number;
  forMs: number;
}

interface ThresholdState {
  /** When the condition started holding without a break, or null. */
  since: number | null;
}

export const threshold: Detector<ThresholdParams, ThresholdState> = {
  kind: "threshold",
  summary: "alarmed while the value compares `op` `value` for `for` (no baseline)",
  params: (unit) =>
    obj({ op: z.enum(OPS as [Op, ...Op[]]), value: unit.value, for: duration.default(0) }).transform(({ for: forMs, ...rest }) => ({
      ...rest,
      forMs,
    })),
  describe: (p) => `value ${p.op} ${p.value} for ${p.forMs}ms`,
  init: () => ({ since: null }),
  step: (s, point, p) => {
    const r = sustained(s.since, holds(point.value, p), point.at, p.forMs);
    return { state: { since: r.since }, alarm: r.alarm };
  },
};
