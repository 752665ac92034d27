// ksigma: a point is anomalous when it lies more than k·σ from the mean of a trailing baseline of normal
// points (anomalous points never enter the baseline, so a long outage does not become the new normal).
// Adapts to slow drifts (the baseline trails); a small k or a short baseline means more false alarms.
import type { KSigmaParams } from "../specs/detect/ksigma.ts";
import { baselineOf, standardise, sustained } from "./baseline.ts";
import { beyond, type DetectorRuntime, type Point } from "./detector.ts";

interface KSigmaState {
  firstAt: number | null;
  /** Normal points of the trailing baseline, oldest first. */
  window: Point[];
  since: number | null;
}

export const ksigma: DetectorRuntime<KSigmaParams, KSigmaState> = {
  init: () => ({ firstAt: null, window: [], since: null }),
  step: (s, point, p) => {
    const firstAt = s.firstAt ?? point.at;
    const ready = point.at - firstAt >= p.baselineMs && s.window.length >= 2;
    const anomalous = ready && beyond(standardise(point.value, baselineOf(s.window.map((w) => w.value), p.minSigma)), p.k, p.direction);
    if (anomalous) {
      const r = sustained(s.since, true, point.at, p.forMs);
      return { state: { ...s, firstAt, since: r.since }, alarm: r.alarm };
    }
    const window = [...s.window.filter((w) => w.at > point.at - p.baselineMs), point];
    return { state: { firstAt, window, since: null }, alarm: false };
  },
};
