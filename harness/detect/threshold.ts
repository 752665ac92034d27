// threshold: the value compares OP limit on every point for at least `for` (as Prometheus' `for`: 0 fires on
// the first point that crosses). No baseline and no warm-up, a delay known in advance, but the limit must
// be chosen by hand for each service and signal.
import { holds } from "../specs/slo/grammar.ts";
import type { ThresholdParams } from "../specs/detect/threshold.ts";
import { sustained } from "./baseline.ts";
import type { DetectorRuntime } from "./detector.ts";

interface ThresholdState {
  /** When the condition started holding without a break, or null. */
  since: number | null;
}

export const threshold: DetectorRuntime<ThresholdParams, ThresholdState> = {
  init: () => ({ since: null }),
  step: (s, point, p) => {
    const r = sustained(s.since, holds(point.value, p), point.at, p.forMs);
    return { state: { since: r.since }, alarm: r.alarm };
  },
};
