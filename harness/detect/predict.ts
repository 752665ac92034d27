// predict (time to breach): a least-squares line (simple-statistics' linearRegression) through the points of
// a trailing `window`, alarmed while it reaches `limit` before `horizon` from now: memory growing towards
// the container's limit, a disk filling, a queue backing up. The firing edge carries the predicted breach
// time (label `predicted_breach_at`, ISO 8601; `predicted_breach_in`, milliseconds from the alarm) and its
// `limit` and `direction`, so the lead time can be read against the real breach (contracts/lead-time.ts). A line already past the limit counts as a breach now. Nothing is predicted
// before the window has filled once.
// The line's noise sets how early a slow trend is seen: the slope of n points spread over T seconds with
// noise σ is known to about σ·√(12/n)/T per second.
import { linearRegression } from "simple-statistics";
import type { PredictParams } from "../specs/detect/predict.ts";
import { sustained } from "./baseline.ts";
import type { DetectorRuntime, Point } from "./detector.ts";

interface PredictState {
  firstAt: number | null;
  window: Point[];
  since: number | null;
}

/** Fewest points a line is fitted through. */
export const MIN_TREND_POINTS = 5;

/** When the trend through `points` reaches `limit` (ms since the epoch, as their `at`), or null if it never does. */
export function breachTime(points: readonly Point[], limit: number, direction: "up" | "down", now: number): number | null {
  if (points.length < MIN_TREND_POINTS) return null;
  const t0 = points[0]!.at;
  const { m, b } = linearRegression(points.map((p) => [(p.at - t0) / 1_000, p.value]));
  const sign = direction === "up" ? 1 : -1;
  const nowValue = m * ((now - t0) / 1_000) + b;
  if (sign * (nowValue - limit) >= 0) return now; // the line is already past the limit
  if (!(sign * m > 0)) return null; // flat or moving away: never
  return t0 + ((limit - b) / m) * 1_000;
}

export const predict: DetectorRuntime<PredictParams, PredictState> = {
  init: () => ({ firstAt: null, window: [], since: null }),
  step: (s, point, p) => {
    // A line through the first few points of a run is mostly noise: the window fills first.
    const firstAt = s.firstAt ?? point.at;
    const window = [...s.window.filter((w) => w.at > point.at - p.windowMs), point];
    const at = point.at - firstAt >= p.windowMs ? breachTime(window, p.limit, p.direction, point.at) : null;
    const r = sustained(s.since, at !== null && at - point.at <= p.horizonMs, point.at, p.forMs);
    const labels =
      r.alarm && at !== null
        ? { predicted_breach_at: new Date(Math.round(at)).toISOString(), predicted_breach_in: String(Math.round(at - point.at)), limit: String(p.limit), direction: p.direction }
        : undefined;
    return { state: { firstAt, window, since: r.since }, alarm: r.alarm, ...(labels ? { labels } : {}) };
  },
};
