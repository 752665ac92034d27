// ewma: an exponentially weighted moving average z = λ·x + (1 − λ)·z, alarmed while it leaves the control
// limits μ ± L·σ·√(λ/(2 − λ)·(1 − (1 − λ)^2t)) of a baseline learnt over the first `baseline` (Roberts' EWMA
// control chart). A small λ remembers long: it sees small sustained shifts, reacts later to large ones and
// resolves slowly; λ = 1 is a plain L·σ check on each point. Hand-written: no maintained npm package offers
// a control chart (the `ewma` package is a time-decayed rate, without limits).
import type { EwmaParams } from "../specs/detect/ewma.ts";
import { learn, standardise, sustained, type Baseline, type Learning } from "./baseline.ts";
import { beyond, type DetectorRuntime } from "./detector.ts";

interface EwmaState {
  learning: Learning;
  baseline?: Baseline;
  z: number;
  /** Points since the baseline was learnt. */
  t: number;
  since: number | null;
}

export const ewma: DetectorRuntime<EwmaParams, EwmaState> = {
  init: () => ({ learning: { firstAt: null, values: [] }, z: 0, t: 0, since: null }),
  step: (s, point, p) => {
    let baseline = s.baseline;
    let zPrev = s.z;
    if (!baseline) {
      const l = learn(s.learning, point, p.baselineMs, p.minSigma);
      if (!l.baseline) return { state: { ...s, learning: l.learning }, alarm: false };
      baseline = l.baseline;
      zPrev = baseline.mu;
    }
    const t = s.t + 1;
    const zNow = p.lambda * point.value + (1 - p.lambda) * zPrev;
    const spread = Math.sqrt((p.lambda / (2 - p.lambda)) * (1 - (1 - p.lambda) ** (2 * t)));
    const out = beyond(standardise(zNow, { mu: baseline.mu, sigma: baseline.sigma * spread }), p.L, p.direction);
    const r = sustained(s.since, out, point.at, p.forMs);
    return { state: { learning: s.learning, baseline, z: zNow, t, since: r.since }, alarm: r.alarm };
  },
};
