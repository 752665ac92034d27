// ewma: an exponentially weighted moving average z = λ·x + (1 − λ)·z, alarmed while it leaves the control
// limits μ ± L·σ·√(λ/(2 − λ)·(1 − (1 − λ)^2t)) of a baseline learnt over the first `baseline` (Roberts' EWMA
// control chart). A small λ remembers long: it sees small sustained shifts, reacts later to large ones and
// resolves slowly; λ = 1 is a plain L·σ check on each point. Hand-written: no maintained npm package offers
// a control chart (the `ewma` package is a time-decayed rate, without limits).
import { z } from "zod";
import { obj } from "../specs/fields.ts";
import { baselineShape, learn, standardise, sustained, type Baseline, type Learning } from "./baseline.ts";
import { beyond, type Detector, type Direction } from "./detector.ts";

export interface EwmaParams {
  lambda: number;
  L: number;
  baselineMs: number;
  direction: Direction;
  minSigma: number;
  forMs: number;
}

interface EwmaState {
  learning: Learning;
  baseline?: Baseline;
  z: number;
  /** Points since the baseline was learnt. */
  t: number;
  since: number | null;
}

export const ewma: Detector<EwmaParams, EwmaState> = {
  kind: "ewma",
  summary: "alarmed while an EWMA of the signal leaves its control limits (small sustained shifts)",
  params: (unit) =>
    obj({ lambda: z.number().gt(0).max(1).default(0.3), L: z.number().positive().default(3), ...baselineShape(unit) }).transform(
      ({ baseline, for: forMs, ...rest }) => ({ ...rest, baselineMs: baseline, forMs }),
    ),
  describe: (p) => `${p.direction} EWMA λ=${p.lambda} L=${p.L} after a ${p.baselineMs}ms baseline`,
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
