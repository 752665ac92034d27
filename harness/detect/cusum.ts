// cusum: Page's cumulative sum of standardised deviations beyond an allowed `drift` k (in σ), alarmed while
// the sum exceeds `threshold` h (in σ), against a baseline learnt over the first `baseline`. It accumulates
// small persistent shifts that a per-point check misses: a shift of δσ is seen after about h / (δ − k)
// points. The sums are capped at 2h so that the alarm resolves within about h / k points once the shift
// ends (an uncapped sum would take as long to drain as the shift lasted). Hand-written: a few lines, and
// no maintained npm package implements it.
import type { CusumParams } from "../specs/detect/cusum.ts";
import { learn, standardise, sustained, type Baseline, type Learning } from "./baseline.ts";
import type { DetectorRuntime } from "./detector.ts";

interface CusumState {
  learning: Learning;
  baseline?: Baseline;
  /** Sums of deviations above and below the mean. */
  hi: number;
  lo: number;
  since: number | null;
}

export const cusum: DetectorRuntime<CusumParams, CusumState> = {
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
