// Resampled comparisons for the judge's calibration (`npm run calibrate`): from a pool of recorded trials of one
// A/A scenario (the same service on both sides), each comparison draws `repeat` trials for a pseudo-baseline
// and `repeat` others for a pseudo-canary and judges them with the real judge, in memory. Optionally the
// pseudo-canary's journals are perturbed first (slower, more errors, wider latency, slower recovery): the
// share of such comparisons that fail is the judge's power against that change.
//
// Drawing: the 2 × repeat trials of one comparison are drawn without replacement (a partial Fisher-Yates
// shuffle of the pool), so no trial is on both sides and none twice on one side: a trial twice in a side would
// repeat its windows, which the rank test would read as independent samples (evidence that is not there).
// Comparisons are drawn independently of each other, so the same trial recurs across comparisons. The
// generator is pure-rand's xoroshiro128+ from a seed: a seed gives the same comparisons every time, and every
// series of a scenario uses the same seed, so A/A and perturbed series judge the same draws and differ only by
// the perturbation.
//
// Perturbations are pure functions of a journal that keep consistent what the judge reads: the load series of
// the windows (quantiles, mean, ok and failed counts, and the latency histogram when the journal has one: its
// count stays the window's `ok`) and the fault records (mttrMs, recoveredAt, impactMs, recovered). The
// timeline, the run's totals, SLO results and verdict are left as recorded: no reader of a comparison reads them.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { bucketMidMs, bucketOf, decodeHistogram, encodeHistogram, latencyMicros, type LatencyHistogram } from "../contracts/latency-histogram.ts";
import { LOAD_SOURCE, type FaultRecord, type Journal, type WindowRow } from "../contracts/journal.ts";
import type { JudgeConfig } from "./config.ts";
import { judge, pct, type Classification, type Judgement, type JudgeVerdict } from "./judge.ts";
import type { Side } from "./samples.ts";

export type Trial = Side["journals"][number];

/** A change applied to the pseudo-canary's journals. */
export type Perturbation =
  /** Every latency of the load × factor. */
  | { kind: "latency"; factor: number }
  /** This share of all requests (0.01 = 1 point) moves from ok to failed, window by window. */
  | { kind: "errors"; points: number }
  /** The load's latency spreads out around each window's median: variance × varianceFactor, same median. */
  | { kind: "spread"; varianceFactor: number }
  /** Every recovery takes factor × as long; the requests of the longer outage fail. */
  | { kind: "mttr"; factor: number };


/** "latency +10%", "errors +1 pt", "latency variance ×2 (same median)", "MTTR ×2". */
export function perturbationText(p: Perturbation): string {
  if (p.kind === "latency") return `latency ${p.factor >= 1 ? "+" : "−"}${pct(Math.abs(p.factor - 1))}`;
  if (p.kind === "errors") return `errors +${Math.round(p.points * 10_000) / 100} pt${p.points === 0.01 ? "" : "s"}`;
  if (p.kind === "spread") return `latency variance ×${p.varianceFactor} (same median)`;
  return `MTTR ×${p.factor}`;
}

type LoadSeries = WindowRow["series"][string];
const LATENCY_FIELDS = ["p50", "p90", "p95", "p99", "max", "mean"] as const;
const histogramPath = (k: number) => ({ path: ["windows", k, "series", LOAD_SOURCE, "histogram"] as (string | number)[] });

/** The journal with each window's load series replaced by `f(series, window, k)`; other sources untouched. */
function mapLoad(j: Journal, f: (s: LoadSeries, w: WindowRow, k: number) => LoadSeries): Journal {
  if (!j.windows) return j;
  return {
    ...j,
    windows: j.windows.map((w, k) => {
      const s = w.series[LOAD_SOURCE];
      return s ? { ...w, series: { ...w.series, [LOAD_SOURCE]: f(s, w, k) } } : w;
    }),
  };
}

/** Each latency of a histogram mapped by `f` (bucket midpoints, re-bucketed at the same resolution). */
function mapHistogram(h: LatencyHistogram, f: (ms: number) => number, at: { file: string; path: (string | number)[] }): LatencyHistogram {
  const d = decodeHistogram(h, at);
  const counts = new Map<number, number>();
  for (const [index, n] of d.buckets) {
    const to = bucketOf(latencyMicros(f(bucketMidMs(index, d.subBucketBits))), d.subBucketBits);
    counts.set(to, (counts.get(to) ?? 0) + n);
  }
  return encodeHistogram(counts, d.subBucketBits);
}

/** A histogram less `k` requests taken at evenly spaced ranks, so that its shape stays. */
function thinHistogram(h: LatencyHistogram, k: number, at: { file: string; path: (string | number)[] }): LatencyHistogram {
  const d = decodeHistogram(h, at);
  const remove = Math.min(k, d.total);
  if (remove <= 0) return h;
  const counts = new Map(d.buckets);
  let b = 0;
  let below = 0; // requests in the buckets before d.buckets[b]
  for (let i = 0; i < remove; i++) {
    const rank = Math.floor(((i + 0.5) * d.total) / remove);
    while (below + d.buckets[b]![1] <= rank) below += d.buckets[b++]![1];
    const index = d.buckets[b]![0];
    counts.set(index, counts.get(index)! - 1);
  }
  return encodeHistogram(counts, d.subBucketBits);
}

/** Every latency field (and the histogram) of the load × factor. */
export function scaleLatency(j: Journal, factor: number, file = "journal"): Journal {
  return mapLoad(j, (s, _w, k) => {
    const out: LoadSeries = { ...s };
    for (const key of LATENCY_FIELDS) if (s[key] !== undefined) out[key] = s[key] * factor;
    if (s.histogram) out.histogram = mapHistogram(s.histogram, (ms) => ms * factor, { file, ...histogramPath(k) });
    return out;
  });
}

/**
 * Each window's latency spread out around its median: a quantile q becomes p50 + √v·(q − p50) (so the variance
 * is × v and the median stays), the mean likewise, the histogram's latencies likewise; none below 0.
 */
export function spreadLatency(j: Journal, varianceFactor: number, file = "journal"): Journal {
  const stretch = Math.sqrt(varianceFactor);
  return mapLoad(j, (s, _w, k) => {
    if (s.p50 === undefined) return s;
    const median = s.p50;
    const f = (v: number) => Math.max(0, median + stretch * (v - median));
    const out: LoadSeries = { ...s };
    for (const key of LATENCY_FIELDS) if (s[key] !== undefined) out[key] = f(s[key]);
    if (s.histogram) out.histogram = mapHistogram(s.histogram, f, { file, ...histogramPath(k) });
    return out;
  });
}

/**
 * Moves requests from ok to failed in the windows, `wanted(s, w)` of them in each (fractions carried over to
 * the next window, so the total is the sum rounded), never more than a window's ok; the histogram loses as
 * many, at evenly spaced ranks.
 */
function failRequests(j: Journal, wanted: (s: LoadSeries, w: WindowRow) => number, file: string): Journal {
  let carry = 0;
  return mapLoad(j, (s, w, k) => {
    const want = wanted(s, w) + carry;
    const moved = Math.max(0, Math.min(s.ok, Math.round(want)));
    carry = want - moved;
    if (!moved) return s;
    const out: LoadSeries = { ...s, ok: s.ok - moved, failed: s.failed + moved };
    if (s.histogram) out.histogram = thinHistogram(s.histogram, moved, { file, ...histogramPath(k) });
    return out;
  });
}

/** `points` (a share: 0.01 = 1 point) of every window's requests move from ok to failed. */
export function addErrors(j: Journal, points: number, file = "journal"): Journal {
  return failRequests(j, (s) => points * (s.ok + s.failed), file);
}

type Interval = [number, number];

/** Length of [from, to) covered by the union of the intervals. */
function covered(intervals: readonly Interval[], from: number, to: number): number {
  const clipped = intervals.map(([a, b]): Interval => [Math.max(a, from), Math.min(b, to)]).filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

/**
 * Every recovered fault takes `factor` × as long to recover: mttrMs, recoveredAt and impactMs move together,
 * and a recovery that would come after the end of the load becomes "never recovered" (as the run would have
 * written it). The load's requests in the added outage fail: in each window, the share of its up time (the
 * time outside the recorded outages) that the added outage covers moves from ok to failed.
 */
export function scaleRecovery(j: Journal, factor: number, file = "journal"): Journal {
  const end = j.loadEndedAt ?? j.endedAt;
  const before: Interval[] = [];
  const added: Interval[] = [];
  const faults = j.faults.map((f): FaultRecord => {
    if (f.injectedAt === null || f.error || f.mttrMs === null || f.recoveredAt === null) return f;
    before.push([f.impactStartAt ?? f.injectedAt, f.recoveredAt]);
    const recoveredAt = f.injectedAt + factor * f.mttrMs;
    added.push([f.recoveredAt, Math.min(recoveredAt, end)]);
    const impactEnd = Math.min(recoveredAt, end);
    const impactMs = f.impactStartAt === null ? f.impactMs : Math.max(0, impactEnd - f.impactStartAt);
    if (recoveredAt > end) return { ...f, recoveredAt: null, mttrMs: null, recovered: false, impactMs };
    return { ...f, recoveredAt, mttrMs: factor * f.mttrMs, impactMs };
  });
  const windowMs = j.hypothesis.windowMs;
  const after = [...before, ...added];
  const failed = failRequests(
    j,
    (s, w) => {
      const down = covered(before, w.at, w.at + windowMs);
      const more = covered(after, w.at, w.at + windowMs) - down;
      const up = windowMs - down;
      return up > 0 && more > 0 ? (s.ok * more) / up : 0;
    },
    file,
  );
  return { ...failed, faults };
}

export function perturb(j: Journal, p: Perturbation, file = "journal"): Journal {
  switch (p.kind) {
    case "latency":
      return scaleLatency(j, p.factor, file);
    case "errors":
      return addErrors(j, p.points, file);
    case "spread":
      return spreadLatency(j, p.varianceFactor, file);
    case "mttr":
      return scaleRecovery(j, p.factor, file);
  }
}

/** One comparison's trials: `repeat` pool indices for each side, all distinct (partial Fisher-Yates). */
export function drawSides(rng: RandomGenerator, poolSize: number, repeat: number): { baseline: number[]; canary: number[] } {
  if (!Number.isInteger(repeat) || repeat < 1 || poolSize < 2 * repeat) throw new RangeError(`cannot draw ${repeat} trial(s) a side without overlap from ${poolSize}`);
  const order = Array.from({ length: poolSize }, (_, i) => i);
  for (let i = 0; i < 2 * repeat; i++) {
    const k = uniformInt(rng, i, poolSize - 1);
    [order[i], order[k]] = [order[k]!, order[i]!];
  }
  return { baseline: order.slice(0, repeat), canary: order.slice(repeat, 2 * repeat) };
}

/** Verdicts and per-metric classifications counted over comparisons. */
export interface Tally {
  comparisons: number;
  verdicts: Record<JudgeVerdict, number>;
  /** Comparisons in which at least one metric was high or low (what the family-wise level bounds on A/A). */
  flagged: number;
  /** Metric name → classification → comparisons. */
  metrics: Record<string, Record<Classification, number>>;
}

export function emptyTally(config: JudgeConfig): Tally {
  const none = (): Record<Classification, number> => ({ pass: 0, high: 0, low: 0, inconclusive: 0, nodata: 0 });
  return { comparisons: 0, verdicts: { pass: 0, fail: 0, inconclusive: 0 }, flagged: 0, metrics: Object.fromEntries(config.metrics.map((m) => [m.name, none()])) };
}

/** Counts one judgement into the tally (in place). */
export function count(t: Tally, j: Judgement): void {
  t.comparisons++;
  t.verdicts[j.verdict]++;
  if (j.metrics.some((m) => m.classification === "high" || m.classification === "low")) t.flagged++;
  for (const m of j.metrics) (t.metrics[m.name] ??= { pass: 0, high: 0, low: 0, inconclusive: 0, nodata: 0 })[m.classification]++;
}

export interface ResampleOptions {
  config: JudgeConfig;
  /** The recorded trials of one A/A scenario, both sides pooled. */
  trials: readonly Trial[];
  /** Trials a side in each comparison. */
  repeat: number;
  comparisons: number;
  seed: number;
  /** Applied to the pseudo-canary's journals (each trial once, before any drawing). */
  perturbation?: Perturbation;
}

/** `comparisons` resampled comparisons judged; none when the pool has fewer than 2 × repeat trials. */
export function resample(o: ResampleOptions): Tally {
  const tally = emptyTally(o.config);
  if (o.trials.length < 2 * o.repeat) return tally;
  const p = o.perturbation;
  const canaryPool = p ? o.trials.map((t) => ({ file: t.file, journal: perturb(t.journal, p, t.file) })) : o.trials;
  const rng = xoroshiro128plus(o.seed);
  for (let i = 0; i < o.comparisons; i++) {
    const d = drawSides(rng, o.trials.length, o.repeat);
    const baseline: Side = { label: "baseline", journals: d.baseline.map((k) => o.trials[k]!) };
    const canary: Side = { label: "canary", journals: d.canary.map((k) => canaryPool[k]!) };
    count(tally, judge(o.config, { baseline, canary }));
  }
  return tally;
}
