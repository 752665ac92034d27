// cusum: Page's cumulative sum of standardised deviations beyond an allowed `drift` k (in σ), alarmed while
// the sum exceeds `threshold` h (in σ), against a baseline learnt over the first `baseline`. It accumulates
// small persistent shifts that a per-point check misses: a shift of δσ is seen after about h / (δ − k)
// points. The sums are capped at 2h so that the alarm resolves within about h / k points once the shift
// ends (an uncapped sum would take as long to drain as the shift lasted). Hand-written: a few lines, and
// no maintained npm package implements it.
import { z } from "zod";
import { obj } from "../specs/fields.ts";
import { baselineShape, learn, standardise, sustained, type Baseline, type Learning } from "./baseline.ts";
import type { Detector, Direction } from "./detector.ts";

export interface CusumParams {
  drift: number;
  threshold: number;
  baselineMs: number;
  direction: Direction;
  minSigma: number;
  forMs: number;
}

interface CusumState {
  learning: Learning;
  baseline?: Baseline;
  /** Sums of deviations above and below the mean. */
  hi: number;
  lo: number;
  since: number | null;
}

export const cusum: Detector<CusumParams, CusumState> = {
  kind: "cusum",
  summary: "alarmed while Page's cumulative sum of deviations beyond `drift` exceeds `threshold`",
  params: (unit) =>
    obj({ drift: z.number().min(0).default(0.5), threshold: z.number().positive().default(5), ...baselineShape(unit) }).transform(
      ({ baseline, for: forMs, ...rest }) => ({ ...rest, baselineMs: baseline, forMs }),
    ),
  describe: (p) => `${p.direction} CUSUM k=${p.drift}σ h=${p.threshold}σ after a ${p.baselineMs}ms baseline`,
  init: () => ({ learning: { firstAt: null, values: [] }, hi: 0, lo: 0, since: null }),
  step: (s, point, p) => {
    let baseline = s.baseline;
    if (!baseline) {
      const l = learn(s.learning, point, p.baselineMs, p.minSigma);
      if (!l.baseline) return { state: { ...s, learning: l.learning }, alarm: false };
      baseline = l.baseline;
    }
    const z = standardise(point.value, baseline);
    const cap = 2 * p.threshold;
    const hi = Math.min(cap, Math.max(0, s.hi + z - p.drift));
    const lo = Math.min(cap, Math.max(0, s.lo - z - p.drift));
    const out = (p.direction !== "down" && hi > p.threshold) || (p.direction !== "up" && lo > p.threshold);
    const r = sustained(s.since, out, point.at, p.forMs);
    return { state: { learning: s.learning, baseline, hi, lo, since: r.since }, alarm: r.alarm };
  },
};
