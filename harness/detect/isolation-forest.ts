// isolation-forest: Liu, Ting and Zhou's isolation forest over several signals at once. Trained on the points
// of the first `trainMs` (by default the windows before the first fault): `trees` trees, each grown on a
// random subsample of `sampleSize` points by random axis-parallel splits up to depth ⌈log₂ sampleSize⌉.
// A point's score is 2^(−E[h(x)]/c(n)) (h: its path length, c(n): the mean path length of an unsuccessful
// search in a binary tree of n points); the threshold is the 1 − `contamination` quantile of the training
// points' own scores. Anomalous points are reported with the signals that deviate most from the training
// median, in training MADs (label `top_signals`), as a hint to where the problem is.
//
// Hand-written (60 lines) with a seeded generator (pure-rand): the npm package `isolation-forest` (0.0.9)
// draws from Math.random (so a run could not be replayed) and grows every tree on all the data, ignoring its
// own subsample; `ml-isolation-forest` is a 0.1.0 without types.
import { median, medianAbsoluteDeviation, quantileSorted } from "simple-statistics";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { IsolationForestParams } from "../specs/detect/isolation-forest.ts";
import { sustained } from "./baseline.ts";
import type { DetectorRuntime } from "./detector.ts";

type Tree = { leaf: number } | { normal: number[]; offset: number; left: Tree; right: Tree };

export interface Forest {
  trees: Tree[];
  /** c(sampleSize): the normaliser of path lengths. */
  c: number;
  threshold: number;
  /** Per signal: the training median and MAD, which also scale the signals alike before any split. */
  median: number[];
  mad: number[];
}

/** Mean path length of an unsuccessful search in a binary search tree of n points. */
const c = (n: number): number => (n > 2 ? 2 * (Math.log(n - 1) + 0.5772156649) - (2 * (n - 1)) / n : n === 2 ? 1 : 0);

export function train(points: readonly number[][], p: IsolationForestParams): Forest {
  const rng = xoroshiro128plus(p.seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
  const dims = points[0]!.length;
  const column = (f: number) => points.map((x) => x[f]!);
  const med = Array.from({ length: dims }, (_, f) => median(column(f)));
  const mad = Array.from({ length: dims }, (_, f) => medianAbsoluteDeviation(column(f)));
  const scaled = points.map((x) => scale(med, mad, x));
  const size = Math.min(p.sampleSize, points.length);
  const maxDepth = Math.ceil(Math.log2(Math.max(2, size)));
  const grow = (rows: number[][], depth: number): Tree => {
    if (depth >= maxDepth || rows.length <= 1) return { leaf: rows.length };
    const lo = Array.from({ length: dims }, (_, f) => Math.min(...rows.map((r) => r[f]!)));
    const hi = Array.from({ length: dims }, (_, f) => Math.max(...rows.map((r) => r[f]!)));
    if (lo.every((l, f) => l === hi[f])) return { leaf: rows.length }; // equal rows cannot be split
    // A random hyperplane through a random point of the rows' bounding box (extended isolation forest).
    const normal = lo.map((l, f) => (l === hi[f] ? 0 : gauss()));
    const offset = normal.reduce((s, n, f) => s + n * (lo[f]! + uniformFloat64(rng) * (hi[f]! - lo[f]!)), 0);
    const side = (r: number[]) => dot(normal, r) < offset;
    return { normal, offset, left: grow(rows.filter(side), depth + 1), right: grow(rows.filter((r) => !side(r)), depth + 1) };
  };
  const trees = Array.from({ length: p.trees }, () => {
    const sample = [...scaled];
    for (let i = 0; i < size; i++) {
      const j = uniformInt(rng, i, sample.length - 1);
      [sample[i], sample[j]] = [sample[j]!, sample[i]!];
    }
    return grow(sample.slice(0, size), 0);
  });
  const forest: Forest = { trees, c: c(size), threshold: 1, median: med, mad };
  const scores = points.map((x) => score(forest, x)).sort((a, b) => a - b);
  forest.threshold = quantileSorted(scores, 1 - p.contamination);
  return forest;
}

const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** Deviation from the training median in training MADs; a signal constant in training: any change is far. */
function scale(med: readonly number[], mad: readonly number[], x: readonly number[]): number[] {
  return x.map((v, f) => {
    const d = v - med[f]!;
    return d === 0 ? 0 : mad[f]! > 0 ? d / mad[f]! : Math.sign(d) * 1e9;
  });
}

function pathLength(t: Tree, x: readonly number[], depth: number): number {
  if ("leaf" in t) return depth + c(t.leaf);
  return pathLength(dot(t.normal, x) < t.offset ? t.left : t.right, x, depth + 1);
}

/** The anomaly score in (0, 1]: near 1 isolated, about 0.5 or below ordinary. */
export function score(f: Forest, x: readonly number[]): number {
  const z = scale(f.median, f.mad, x);
  const mean = f.trees.reduce((s, t) => s + pathLength(t, z, 0), 0) / f.trees.length;
  return f.c > 0 ? 2 ** (-mean / f.c) : 0.5;
}

/** Deviations from the training median in training MADs, largest first: [feature index, signed deviation]. */
export function contributions(f: Forest, x: readonly number[]): [number, number][] {
  return scale(f.median, f.mad, x)
    .map((d, i): [number, number] => [i, d])
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
}

interface IsolationForestState {
  firstAt: number | null;
  training: number[][];
  forest: Forest | null;
  since: number | null;
}

/** Fewest training points a forest is grown on. */
export const MIN_TRAINING_POINTS = 8;

export const isolationForest: DetectorRuntime<IsolationForestParams, IsolationForestState> = {
  init: () => ({ firstAt: null, training: [], forest: null, since: null }),
  step: (s, point, p) => {
    const x = point.values ?? [point.value];
    const firstAt = s.firstAt ?? point.at;
    if (s.forest === null && point.at - firstAt < (p.trainMs ?? Infinity)) return { state: { ...s, firstAt, training: [...s.training, [...x]] }, alarm: false };
    const forest = s.forest ?? (s.training.length >= MIN_TRAINING_POINTS ? train(s.training, p) : null);
    if (!forest) return { state: { ...s, firstAt }, alarm: false };
    const r = sustained(s.since, score(forest, x) > forest.threshold, point.at, p.forMs);
    const top = r.alarm ? contributions(forest, x).slice(0, 3) : [];
    const labels = top.length > 0 ? { top_signals: top.map(([i, d]) => `${point.names?.[i] ?? `#${i}`} ${d >= 0 ? "+" : "−"}${Math.abs(d).toFixed(1)} MAD`).join(", ") } : undefined;
    return { state: { firstAt, training: [], forest, since: r.since }, alarm: r.alarm, ...(labels ? { labels } : {}) };
  },
};
