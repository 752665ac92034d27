// Records every request and probe outcome into fixed time buckets. Memory grows with run length in
// buckets, never with the number of requests: a bucket keeps counts, a compressed HdrHistogram and four
// timestamps (first success, first and last failure, first success after the last failure) from which
// recovery is located to the millisecond.
import {
  decode,
  encode,
  newHistogram,
  recordMs,
  summarize,
  type Histogram,
  type LatencySummary,
} from "./histogram.ts";

export interface WindowStats {
  ok: number;
  failed: number;
  latency: LatencySummary;
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

export interface TimelineRow {
  at: number;
  series: Record<string, { ok: number; failed: number } & LatencySummary>;
}

class SourceSeries {
  readonly ok: number[] = [];
  readonly failed: number[] = [];
  readonly encoded: (string | undefined)[] = [];
  readonly summaries: LatencySummary[] = [];
  readonly open = new Map<number, Histogram>();
  readonly total = newHistogram(3);
  readonly failedBy: Record<string, number> = {};
  // Aligned (tumbling) windows, summarised as they close so availability_time needs no decoding.
  readonly windows: WindowStats[] = [];
  windowHist = newHistogram(2);
  windowIndex = 0;
  windowOk = 0;
  windowFailed = 0;
}

/** How a source takes part in the steady-state hypothesis. */
export interface SourceOptions {
  /**
   * Sparse sources (browser journeys: one outcome every few seconds) neither hold nor break a window in
   * which nothing of theirs completed; a stuck journey still ends, failed, at its timeout.
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
    this.rollWindow(s, Math.floor((at - this.startAt) / this.windowMs));

    s.ok[i] ??= 0;
    s.failed[i] ??= 0;
    const m = (this.marks[i] ??= { ...NONE });
    if (ok) {
      s.ok[i]++;
      s.windowOk++;
      if (!(m.firstOkAt <= at)) m.firstOkAt = at;
      if (m.lastFailAt < at && Number.isNaN(m.firstOkAfterLastFail)) m.firstOkAfterLastFail = at;
    } else {
      s.failed[i]++;
      s.windowFailed++;
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
      recordMs(s.windowHist, latencyMs);
    }
  }

  /** Ends recording: later outcomes are ignored; open buckets and windows are summarised. */
  close(endAt: number): void {
    this.endAt = Math.min(this.endAt, endAt);
    const last = Math.max(0, this.bucketIndex(this.endAt - 1));
    this.advance(last + 2);
    for (const s of this.series.values()) this.rollWindow(s, Math.floor((this.endAt - this.startAt) / this.windowMs) + 1);
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

  /** Whether a window without outcomes of this source counts as holding (sparse sources). */
  silenceHolds(source: string): boolean {
    return this.options.get(source)?.sparse === true;
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

  private rollWindow(s: SourceSeries, index: number): void {
    while (s.windowIndex < index) {
      s.windows[s.windowIndex] = { ok: s.windowOk, failed: s.windowFailed, latency: summarize(s.windowHist) };
      s.windowIndex++;
      s.windowOk = 0;
      s.windowFailed = 0;
      if (s.windowHist.totalCount > 0) s.windowHist = newHistogram(2);
    }
  }
}
