// Records every request and probe outcome into fixed time buckets. Memory grows with run length in
// buckets, never with the number of requests: a bucket keeps counts, a compressed HdrHistogram and four
// timestamps (first success, first and last failure, first success after the last failure) from which
// recovery is located to the millisecond.
//
// Outcomes may arrive slightly out of time order (k6's output is read while it runs, and its lines are not
// ordered across VUs): a late outcome always lands in its own bucket (a sealed bucket is reopened), and in
// its own aligned window when it is at most LATE_MS older than the newest outcome of its source; an older
// one lands in the oldest window still open.
import { decode, encode, newHistogram, recordMs, summarize, type Histogram } from "./histogram.ts";
import type { LatencySummary, TimelineRow } from "../contracts/journal.ts";
import { bucketOf, encodeHistogram, LATENCY_HISTOGRAM_BITS, latencyMicros, type LatencyHistogram } from "../contracts/latency-histogram.ts";

export interface WindowStats {
  ok: number;
  failed: number;
  latency: LatencySummary;
  /** Aligned windows only: every success's latency (the journal's `windows[].series.SOURCE.histogram`); absent without one. */
  histogram?: LatencyHistogram;
}

interface OpenWindow {
  ok: number;
  failed: number;
  hist: Histogram;
  /** Successes by latency bucket (contracts/latency-histogram.ts). */
  okBuckets: Map<number, number>;
}

export interface SourceTotals extends WindowStats {
  failedBy: Record<string, number>;
}

export interface BucketMarks {
  firstOkAt: number;
  firstFailAt: number;
  lastFailAt: number;
  /** First success after the bucket's last failure (NaN when none yet). */
  firstOkAfterLastFail: number;
}

/** How late (behind the newest outcome of its source) an outcome may arrive and still land in its own window. */
export const LATE_MS = 1_000;

class SourceSeries {
  readonly ok: number[] = [];
  readonly failed: number[] = [];
  readonly encoded: (string | undefined)[] = [];
  readonly summaries: LatencySummary[] = [];
  readonly open = new Map<number, Histogram>();
  readonly total = newHistogram(3);
  readonly failedBy: Record<string, number> = {};
  // The last success and the last failure of each bucket: whether a sparse source worked again.
  readonly lastOkAt: number[] = [];
  readonly lastFailAt: number[] = [];
  // Aligned (tumbling) windows, summarised as they are sealed so availability_time needs no decoding, each
  // with the latency histogram of its successes (the canary's tails); the windows of the last LATE_MS stay
  // open for late outcomes.
  readonly windows: WindowStats[] = [];
  readonly openWindows = new Map<number, OpenWindow>();
  newestAt = -Infinity;
}

/** How a source takes part in the steady-state hypothesis. */
export interface SourceOptions {
  /**
   * Sparse sources (browser journeys: one outcome every few seconds) neither hold nor break a window in
   * which nothing of theirs completed (a stuck journey still ends, failed, at its timeout), and are judged
   * by their error rate only (see `violation` in hypothesis.ts).
   */
  sparse?: boolean;
  /** false: measured and reported, but left out of the hypothesis (and so of recovery). Default true. */
  inHypothesis?: boolean;
}

const NONE: BucketMarks = { firstOkAt: NaN, firstFailAt: NaN, lastFailAt: NaN, firstOkAfterLastFail: NaN };

export class Recorder {
  readonly bucketMs: number;
  readonly windowMs: number;
  private readonly series = new Map<string, SourceSeries>();
  private readonly options = new Map<string, SourceOptions>();
  private readonly marks: BucketMarks[] = [];
  private latestBucket = 0;
  private endAt = Infinity;
  private dropped = 0;

  constructor(
    readonly startAt: number,
    opts: { bucketMs?: number; windowMs: number },
  ) {
    this.bucketMs = opts.bucketMs ?? 100;
    this.windowMs = opts.windowMs;
    if (this.windowMs % this.bucketMs !== 0) throw new Error("windowMs must be a multiple of bucketMs");
  }

  /** Declares a source up front so that silence (no outcomes at all) is visible as such. */
  addSource(source: string, opts: SourceOptions = {}): void {
    if (!this.series.has(source)) this.series.set(source, new SourceSeries());
    if (!this.options.has(source)) this.options.set(source, opts);
  }

  record(source: string, at: number, ok: boolean, latencyMs?: number, reason?: string): void {
    if (at < this.startAt || at >= this.endAt) {
      this.dropped++;
      return;
    }
    this.addSource(source);
    const s = this.series.get(source)!;
    const i = this.bucketIndex(at);
    if (i > this.latestBucket) this.advance(i);
    const w = this.windowFor(s, at);

    s.ok[i] ??= 0;
    s.failed[i] ??= 0;
    const m = (this.marks[i] ??= { ...NONE });
    if (ok) {
      s.ok[i]++;
      w.ok++;
      if (!(s.lastOkAt[i]! >= at)) s.lastOkAt[i] = at;
      if (!(m.firstOkAt <= at)) m.firstOkAt = at;
      if (m.lastFailAt < at && Number.isNaN(m.firstOkAfterLastFail)) m.firstOkAfterLastFail = at;
    } else {
      s.failed[i]++;
      w.failed++;
      if (!(s.lastFailAt[i]! >= at)) s.lastFailAt[i] = at;
      const why = reason ?? "error";
      s.failedBy[why] = (s.failedBy[why] ?? 0) + 1;
      if (!(m.firstFailAt <= at)) m.firstFailAt = at;
      if (!(m.lastFailAt >= at)) {
        m.lastFailAt = at;
        m.firstOkAfterLastFail = NaN;
      }
    }
    if (latencyMs !== undefined) {
      recordMs(this.bucketHistogram(s, i), latencyMs);
      recordMs(s.total, latencyMs);
      recordMs(w.hist, latencyMs);
      if (ok) {
        const b = bucketOf(latencyMicros(latencyMs), LATENCY_HISTOGRAM_BITS);
        w.okBuckets.set(b, (w.okBuckets.get(b) ?? 0) + 1);
      }
    }
  }

  /** Ends recording: later outcomes are ignored; open buckets and windows are summarised. */
  close(endAt: number): void {
    this.endAt = Math.min(this.endAt, endAt);
    const last = Math.max(0, this.bucketIndex(this.endAt - 1));
    this.advance(last + 2);
    const windows = Math.floor((this.endAt - this.startAt) / this.windowMs) + 1;
    for (const s of this.series.values()) while (s.windows.length < windows) this.sealWindow(s);
  }

  get closedAt(): number {
    return this.endAt;
  }

  get droppedOutcomes(): number {
    return this.dropped;
  }

  sources(): string[] {
    return [...this.series.keys()];
  }

  /** The sources the steady-state hypothesis is judged on. */
  hypothesisSources(): string[] {
    return this.sources().filter((s) => this.options.get(s)?.inHypothesis !== false);
  }

  /** Whether the source is sparse (journeys): judged by its error rate only, its silence no evidence. */
  isSparse(source: string): boolean {
    return this.options.get(source)?.sparse === true;
  }

  /**
   * The first bucket before `toBucket` in which `source` had a success (`ok`) or a failure at or after
   * `fromAt`, exact to the millisecond at `fromAt`; undefined when there is none.
   */
  firstBucketWith(source: string, ok: boolean, fromAt: number, toBucket: number): number | undefined {
    const last = ok ? this.series.get(source)?.lastOkAt : this.series.get(source)?.lastFailAt;
    if (!last) return undefined;
    for (let i = Math.max(0, this.bucketIndex(fromAt)); i < Math.min(toBucket, last.length); i++) if (last[i]! >= fromAt) return i;
    return undefined;
  }

  bucketIndex(at: number): number {
    return Math.floor((at - this.startAt) / this.bucketMs);
  }

  bucketStart(i: number): number {
    return this.startAt + i * this.bucketMs;
  }

  /** Buckets that hold data or lie inside the recorded range. */
  bucketCount(): number {
    return Number.isFinite(this.endAt) ? Math.ceil((this.endAt - this.startAt) / this.bucketMs) : this.latestBucket + 1;
  }

  marksAt(i: number): BucketMarks {
    return this.marks[i] ?? NONE;
  }

  /**
   * Counts, and latency when asked, merged over buckets [from, to); the failures of bucket `from` can be
   * left out (they happened before a recovery candidate inside that bucket).
   */
  stats(source: string, from: number, to: number, opts: { dropFirstFailures?: boolean; latency?: boolean } = {}): WindowStats {
    const s = this.series.get(source);
    if (!s) return { ok: 0, failed: 0, latency: {} };
    let ok = 0;
    let failed = 0;
    const merged = opts.latency === false ? undefined : newHistogram(2);
    for (let i = Math.max(0, from); i < to; i++) {
      ok += s.ok[i] ?? 0;
      if (!(opts.dropFirstFailures && i === from)) failed += s.failed[i] ?? 0;
      if (!merged) continue;
      const h = s.open.get(i) ?? (s.encoded[i] ? decode(s.encoded[i]!) : undefined);
      if (h) merged.add(h);
    }
    return { ok, failed, latency: merged ? summarize(merged) : {} };
  }

  /** Tumbling windows of `windowMs` aligned on startAt; only complete windows. */
  alignedWindows(source: string): WindowStats[] {
    const complete = Math.floor((this.endAt - this.startAt) / this.windowMs);
    const s = this.series.get(source);
    return Array.from({ length: complete }, (_, k) => s?.windows[k] ?? { ok: 0, failed: 0, latency: {} });
  }

  totals(source: string): SourceTotals {
    const s = this.series.get(source);
    if (!s) return { ok: 0, failed: 0, failedBy: {}, latency: {} };
    const sum = (a: number[]) => a.reduce((x, y) => x + (y ?? 0), 0);
    return { ok: sum(s.ok), failed: sum(s.failed), failedBy: { ...s.failedBy }, latency: summarize(s.total) };
  }

  timeline(): TimelineRow[] {
    const rows: TimelineRow[] = [];
    for (let i = 0; i < this.bucketCount(); i++) {
      const series: TimelineRow["series"] = {};
      for (const [name, s] of this.series) {
        const ok = s.ok[i] ?? 0;
        const failed = s.failed[i] ?? 0;
        if (ok + failed > 0) series[name] = { ok, failed, ...s.summaries[i] };
      }
      rows.push({ at: this.bucketStart(i), series });
    }
    return rows;
  }

  private bucketHistogram(s: SourceSeries, i: number): Histogram {
    let h = s.open.get(i);
    if (!h) {
      h = s.encoded[i] ? decode(s.encoded[i]!) : newHistogram(2); // a late outcome reopens its bucket
      s.encoded[i] = undefined;
      s.open.set(i, h);
    }
    return h;
  }

  /** Seals every bucket older than the one before `latest`: summarise, compress, free. */
  private advance(latest: number): void {
    this.latestBucket = latest;
    for (const s of this.series.values()) {
      for (const [i, h] of s.open) {
        if (i >= latest - 1) continue;
        s.summaries[i] = summarize(h);
        s.encoded[i] = encode(h);
        s.open.delete(i);
      }
    }
  }

  /** The open window an outcome at `at` counts in; seals the windows that ended LATE_MS before the newest outcome. */
  private windowFor(s: SourceSeries, at: number): OpenWindow {
    s.newestAt = Math.max(s.newestAt, at);
    while (this.startAt + (s.windows.length + 1) * this.windowMs + LATE_MS <= s.newestAt) this.sealWindow(s);
    const k = Math.max(s.windows.length, Math.floor((at - this.startAt) / this.windowMs));
    let w = s.openWindows.get(k);
    if (!w) s.openWindows.set(k, (w = { ok: 0, failed: 0, hist: newHistogram(2), okBuckets: new Map() }));
    return w;
  }

  private sealWindow(s: SourceSeries): void {
    const k = s.windows.length;
    const w = s.openWindows.get(k);
    s.openWindows.delete(k);
    if (!w) s.windows.push({ ok: 0, failed: 0, latency: {} });
    else s.windows.push({ ok: w.ok, failed: w.failed, latency: summarize(w.hist), ...(w.okBuckets.size ? { histogram: encodeHistogram(w.okBuckets) } : {}) });
  }
}
