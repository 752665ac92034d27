// forecast: an ARIMA model of the signal (the `arima` package: the ctsa C library compiled to WebAssembly,
// with AutoARIMA), fitted on the trailing `baseline` of normal points. A point is anomalous when it lies
// outside the model's prediction interval at `level` (two-sided: ±Φ⁻¹((1 + level)/2)·σ̂ₕ around the
// forecast), on the side `direction` names; anomalous points never enter the training window, so a long
// outage does not become the new normal.
//
// Refit schedule: a fit forecasts the next `refit` points at once (their h-step forecasts and variances);
// the model is refitted when they are used up, on the window as it is then. So one point in `refit` pays for
// a fit (about 5 ms for ARIMA(1,0,0) on 30 points, 30–40 ms with AutoARIMA's order search) and the others
// only compare a number; `refit: 1` makes every forecast one step ahead. The h-step interval widens with h
// (for a stationary model up to the signal's own spread), so a larger `refit` is cheaper and a little slower
// to see small changes.
import { ARIMA } from "./arima.ts";
import erfcinv from "@stdlib/math-base-special-erfcinv";
import type { ForecastParams } from "../specs/detect/forecast.ts";
import { standardise, sustained } from "./baseline.ts";
import { beyond, type DetectorRuntime, type Point } from "./detector.ts";

interface Model {
  /** Forecasts and their variances for the next points, one per point after the fit. */
  mean: number[];
  variance: number[];
  /** How many of them have been used. */
  used: number;
}

interface ForecastState {
  firstAt: number | null;
  /** Normal points of the trailing training window, oldest first. */
  window: Point[];
  model: Model | null;
  since: number | null;
}

/** Fewest points a fit is made on: a handful per coefficient. */
export const minTrainingPoints = (p: ForecastParams): number => (p.order ? Math.max(10, 3 * (p.order[0] + p.order[1] + p.order[2] + 1)) : 20);

/** The model's forecasts of the next `refit` points, or null when the fit gives nothing finite. */
export function fit(values: readonly number[], p: ForecastParams): Model | null {
  const options = p.order ? { p: p.order[0], d: p.order[1], q: p.order[2], verbose: false } : { auto: true, verbose: false };
  const model = new ARIMA(options);
  try {
    const [mean, variance] = model.train([...values]).predict(p.refit);
    if (mean.length < p.refit || ![...mean, ...variance].every((x) => Number.isFinite(x) && x > -Infinity)) return null;
    return { mean, variance, used: 0 };
  } finally {
    model.destroy();
  }
}

/** z of the two-sided prediction interval at `level`. */
export const intervalZ = (level: number): number => Math.SQRT2 * erfcinv(1 - level);

export const forecast: DetectorRuntime<ForecastParams, ForecastState> = {
  init: () => ({ firstAt: null, window: [], model: null, since: null }),
  step: (s, point, p) => {
    const firstAt = s.firstAt ?? point.at;
    const ready = point.at - firstAt >= p.baselineMs && s.window.length >= minTrainingPoints(p);
    let model = s.model;
    if (ready && (model === null || model.used >= model.mean.length)) model = fit(s.window.map((w) => w.value), p);
    let anomalous = false;
    if (ready && model) {
      const h = model.used;
      const sigma = Math.max(Math.sqrt(Math.max(0, model.variance[h]!)), p.minSigma);
      anomalous = beyond(standardise(point.value, { mu: model.mean[h]!, sigma }), intervalZ(p.level), p.direction);
      model = { ...model, used: h + 1 };
    }
    const r = sustained(s.since, anomalous, point.at, p.forMs);
    const window = anomalous ? s.window : [...s.window.filter((w) => w.at > point.at - p.baselineMs), point];
    return { state: { firstAt, window, model, since: r.since }, alarm: r.alarm };
  },
};
