// Where a fault's impact began and where service recovered, from the recorded outcomes.
//
// recoveredAt is the timestamp of the first successful outcome (request or probe) that begins a stretch of
// `stableFor` in which the hypothesis holds in every window, windows being laid end to end from that
// success. Candidates are exact timestamps (the first success of a bucket, or the first success after the
// bucket's last failure); windows are evaluated at bucket resolution (100 ms). If the stretch starting at
// the injection itself holds, the fault had no impact: recoveredAt = injectedAt, MTTR 0.
//
// Journeys (sparse sources) are judged by their error rate only, and their empty windows hold; so that a
// journey that failed is seen to work again, a journey source with a failure after the injection (before
// the stretch ends) needs at least one success inside the stretch. A journey that never failed imposes
// nothing.
import { violation } from "../metrics/hypothesis.ts";
import type { Recorder } from "../metrics/recorder.ts";
import type { HypothesisSpec } from "../specs/hypothesis.ts";

export interface Recovery {
  impactStartAt: number | null;
  recoveredAt: number | null;
  impactMs: number | null;
  mttrMs: number | null;
}

export function locateRecovery(rec: Recorder, sources: readonly string[], h: HypothesisSpec, injectedAt: number): Recovery {
  const recoveredAt = findRecovery(rec, sources, h, injectedAt);
  if (recoveredAt === injectedAt) return { impactStartAt: null, recoveredAt, impactMs: 0, mttrMs: 0 };
  const impactStartAt = findImpact(rec, sources, h, injectedAt, recoveredAt ?? rec.closedAt);
  const impactEnd = recoveredAt ?? rec.closedAt;
  return {
    impactStartAt,
    recoveredAt,
    impactMs: impactStartAt === null ? 0 : Math.max(0, impactEnd - impactStartAt),
    mttrMs: recoveredAt === null ? null : recoveredAt - injectedAt,
  };
}

function findRecovery(rec: Recorder, sources: readonly string[], h: HypothesisSpec, injectedAt: number): number | null {
  const first = Math.max(0, rec.bucketIndex(injectedAt));
  const buckets = rec.bucketCount();
  const failedAfter = failedJourneys(rec, sources, injectedAt);
  let tried = -Infinity;
  const attempt = (r: number) => {
    if (!(r >= injectedAt) || r <= tried) return false;
    tried = r;
    return stretchHolds(rec, sources, h, r, failedAfter);
  };
  if (attempt(injectedAt)) return injectedAt;
  for (let i = first; i < buckets; i++) {
    if (rec.bucketStart(i) + h.stableForMs > rec.closedAt) break; // too late to be confirmed
    const m = rec.marksAt(i);
    // A success followed by a failure in the same bucket cannot begin a healthy stretch.
    if (!(m.lastFailAt >= m.firstOkAt) && attempt(m.firstOkAt)) return m.firstOkAt;
    if (attempt(m.firstOkAfterLastFail)) return m.firstOkAfterLastFail;
  }
  return null;
}

/** The bucket of the first failure after the injection of each sparse source that has one. */
function failedJourneys(rec: Recorder, sources: readonly string[], injectedAt: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const source of sources.filter((s) => rec.isSparse(s))) {
    const bucket = rec.firstBucketWith(source, false, injectedAt, rec.bucketCount());
    if (bucket !== undefined) out.set(source, bucket);
  }
  return out;
}

function stretchHolds(rec: Recorder, sources: readonly string[], h: HypothesisSpec, r: number, failedAfter: ReadonlyMap<string, number>): boolean {
  if (r + h.stableForMs > rec.closedAt) return false;
  const b0 = rec.bucketIndex(r);
  const perWindow = h.windowMs / rec.bucketMs;
  const stretch = Math.ceil(h.stableForMs / rec.bucketMs);
  for (const [source, failedBucket] of failedAfter) {
    if (failedBucket < b0 + stretch && rec.firstBucketWith(source, true, r, b0 + stretch) === undefined) return false;
  }
  const dropFirstFailures = !(rec.marksAt(b0).lastFailAt >= r);
  const needsLatency = ["p50", "p90", "p95", "p99", "max"].some((k) => k in h && h[k as keyof HypothesisSpec]);
  for (let j = 0; j < stretch; j += perWindow) {
    const from = b0 + j;
    const to = b0 + Math.min(j + perWindow, stretch);
    for (const source of sources) {
      const counts = rec.stats(source, from, to, { dropFirstFailures: dropFirstFailures && j === 0, latency: false });
      if (violation({ errorRate: h.errorRate }, counts, rec.isSparse(source))) return false;
    }
  }
  if (!needsLatency) return true;
  for (let j = 0; j < stretch; j += perWindow) {
    const from = b0 + j;
    const to = b0 + Math.min(j + perWindow, stretch);
    for (const source of sources) {
      if (rec.isSparse(source)) continue; // judged by its error rate only, above
      const stats = rec.stats(source, from, to, { dropFirstFailures: dropFirstFailures && j === 0 });
      if (violation(h, stats)) return false;
    }
  }
  return true;
}

/**
 * The first failed outcome at or after the injection; or, when a window that closed before that failure
 * already broke the hypothesis (slowness without errors), the start of that window.
 */
function findImpact(
  rec: Recorder,
  sources: readonly string[],
  h: HypothesisSpec,
  injectedAt: number,
  until: number,
): number | null {
  let firstFailure: number | null = null;
  for (let i = Math.max(0, rec.bucketIndex(injectedAt)); rec.bucketStart(i) < until; i++) {
    const m = rec.marksAt(i);
    if (m.lastFailAt >= injectedAt) {
      firstFailure = Math.max(m.firstFailAt, injectedAt);
      break;
    }
  }
  const perWindow = h.windowMs / rec.bucketMs;
  const limit = Math.min(until, firstFailure ?? Infinity, rec.closedAt);
  for (let b = Math.max(0, rec.bucketIndex(injectedAt)); rec.bucketStart(b + perWindow) <= limit; b += perWindow) {
    const broken = (src: string) => violation(h, rec.stats(src, b, b + perWindow, { latency: !rec.isSparse(src) }), rec.isSparse(src));
    if (sources.some(broken)) return Math.max(rec.bucketStart(b), injectedAt);
  }
  return firstFailure;
}
