// The one shape of a built-in detector at run time: a pure, online state machine over a series of points.
// `step` takes the state and the next point and returns the next state and whether the detector is alarmed;
// nothing else. The same code runs live during a run (one step per evaluation, so detection time is real)
// and over recorded or synthetic series in tests (`evaluate`). Its name, parameters and summary are its
// spec (harness/specs/detect/detector.ts).
import type { Direction } from "../specs/detect/detector.ts";

export interface Point {
  at: number;
  value: number;
  /** A multivariate detector's point: every watched signal's value (`value` is the first), and their names. */
  values?: readonly number[];
  names?: readonly string[];
}

export interface Step<S> {
  state: S;
  alarm: boolean;
  /** Labels for a firing edge (such as a predicted breach time), added to the detector's own. */
  labels?: Record<string, string>;
}

export interface DetectorRuntime<P, S> {
  init(p: P): S;
  step(state: S, point: Point, p: P): Step<S>;
}

export interface Detection {
  at: number;
  state: "firing" | "resolved";
  value: number;
  /** The firing edge's own labels, when the detector gives some. */
  labels?: Record<string, string>;
}

/** Runs a detector over a whole series; returns its edges (firing, then resolved, …) in order. */
export function evaluate<P, S>(d: DetectorRuntime<P, S>, p: P, series: readonly Point[]): Detection[] {
  const out: Detection[] = [];
  let state = d.init(p);
  let alarmed = false;
  for (const point of series) {
    const next = d.step(state, point, p);
    state = next.state;
    if (next.alarm !== alarmed) {
      const labels = next.alarm ? next.labels : undefined;
      out.push({ at: point.at, state: next.alarm ? "firing" : "resolved", value: point.value, ...(labels ? { labels } : {}) });
    }
    alarmed = next.alarm;
  }
  return out;
}

/** True when a standardised deviation `z` lies beyond `limit` on the watched side. */
export function beyond(z: number, limit: number, direction: Direction): boolean {
  if (direction === "up") return z > limit;
  if (direction === "down") return z < -limit;
  return Math.abs(z) > limit;
}
