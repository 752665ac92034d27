// The latency histogram of a hypothesis window (journal `windows[].series.SOURCE.histogram`): every successful
// request's latency, in log-linear buckets over integer microseconds, written compactly and read back with
// validation (a journal is untrusted input once written).
//
// Bucketing, with b = subBucketBits: values below 2^(b+1) µs have a bucket each; above, every power of two
// [2^e, 2^(e+1)) is cut into 2^b buckets of width 2^(e−b). A bucket is therefore never wider than 2^−b of
// its lowest value, and its midpoint is within 2^−(b+1) of every value in it (b = 6: < 0.79 %). Bucket
// boundaries of b bits are a subset of those of b + 1 bits, so histograms of different b merge exactly into
// the coarser one. Values are clamped to [0, 2^32 − 1] µs (about 71 minutes).
//
// Written form: `{ subBucketBits, start, counts }`, where `start` is the first bucket index and `counts` a
// string of comma-separated integers read from `start` on: a positive n is the count of the next bucket, a
// negative −k skips k empty buckets ("3,1,-4,2": 3 in `start`, 1 in start+1, 2 in start+6). A string, so that
// the journal's indentation does not cost a line per bucket.
// Hand-written: HdrHistogram (harness/metrics/histogram.ts) keeps the run's own quantiles, but its compressed
// form is an opaque base64 blob that a reader can neither check field by field nor merge across resolutions.
import { formatPath, UsageError } from "./errors.ts";

/** As written in the journal. */
export interface LatencyHistogram {
  subBucketBits: number;
  start: number;
  counts: string;
}

/** A histogram read back: non-empty buckets in ascending index order, each [index, count]. */
export interface DecodedHistogram {
  subBucketBits: number;
  buckets: [index: number, count: number][];
  total: number;
}

/** The sub-bucket bits the recorder writes. */
export const LATENCY_HISTOGRAM_BITS = 6;
/** A bucket's midpoint lies within this share of every value in the bucket (for LATENCY_HISTOGRAM_BITS). */
export const LATENCY_HISTOGRAM_RELATIVE_ERROR = relativeError(LATENCY_HISTOGRAM_BITS);
/** Sub-bucket bits a journal may give. */
export const MIN_SUB_BUCKET_BITS = 3;
export const MAX_SUB_BUCKET_BITS = 10;
const MAX_US = 2 ** 32 - 1;

export function relativeError(subBucketBits: number): number {
  return 2 ** -(subBucketBits + 1);
}

/** A latency in ms as recorded: whole microseconds, clamped to the bucketed range. */
export function latencyMicros(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(MAX_US, Math.round(ms * 1_000));
}

/** Number of buckets covering [0, 2^32) µs. */
export function bucketCount(bits: number): number {
  return (33 - bits) * 2 ** bits;
}

/** The bucket of a whole number of microseconds (clamped into range). */
export function bucketOf(us: number, bits: number): number {
  const v = Math.min(MAX_US, Math.max(0, Math.floor(us)));
  if (v < 2 ** (bits + 1)) return v;
  const shift = 31 - Math.clz32(v) - bits;
  return shift * 2 ** bits + Math.floor(v / 2 ** shift);
}

/** The lowest and highest microsecond value of a bucket (inclusive). */
export function bucketBounds(index: number, bits: number): { lo: number; hi: number } {
  const shift = Math.max(0, Math.floor(index / 2 ** bits) - 1);
  const lo = (index - shift * 2 ** bits) * 2 ** shift;
  return { lo, hi: lo + 2 ** shift - 1 };
}

/** A bucket's representative value in ms: its midpoint. */
export function bucketMidMs(index: number, bits: number): number {
  const { lo, hi } = bucketBounds(index, bits);
  return (lo + hi) / 2 / 1_000;
}

/** The written form of bucket counts (index → count; zero counts are left out). */
export function encodeHistogram(counts: ReadonlyMap<number, number>, bits = LATENCY_HISTOGRAM_BITS): LatencyHistogram {
  const indices = [...counts.keys()].filter((i) => counts.get(i)! > 0).sort((a, b) => a - b);
  const out: number[] = [];
  let next = indices[0] ?? 0;
  for (const i of indices) {
    if (i > next) out.push(next - i);
    out.push(counts.get(i)!);
    next = i + 1;
  }
  return { subBucketBits: bits, start: indices[0] ?? 0, counts: out.join(",") };
}

const TOKENS = /^-?[1-9]\d{0,15}(,-?[1-9]\d{0,15})*$/;

/**
 * Reads a histogram back from a journal, checking everything: the parameters, the bounds of every index, and
 * counts that are positive integers with a safe total. A malformed one is a UsageError naming the file and
 * the field (`windows[3].series.load.histogram.counts: …`).
 */
export function decodeHistogram(raw: unknown, at: { file: string; path: readonly (string | number)[] }): DecodedHistogram {
  const fail = (message: string, field?: string): never => {
    throw new UsageError(`${at.file}: ${formatPath(field ? [...at.path, field] : at.path)}: ${message}`);
  };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail("must be an object { subBucketBits, start, counts }");
  const h = raw as Record<string, unknown>;
  const bits = h.subBucketBits;
  if (typeof bits !== "number" || !Number.isInteger(bits) || bits < MIN_SUB_BUCKET_BITS || bits > MAX_SUB_BUCKET_BITS) {
    return fail(`must be an integer from ${MIN_SUB_BUCKET_BITS} to ${MAX_SUB_BUCKET_BITS}`, "subBucketBits");
  }
  const size = bucketCount(bits);
  const start = h.start;
  if (typeof start !== "number" || !Number.isInteger(start) || start < 0 || start >= size) return fail(`must be an integer from 0 to ${size - 1}`, "start");
  const text = h.counts;
  if (typeof text !== "string") return fail("must be a string of comma-separated integers", "counts");
  // Every token takes at least 2 characters with its comma and covers at least one bucket.
  if (text.length > 18 * (size - start)) return fail(`is longer than ${size - start} buckets can need`, "counts");
  if (text !== "" && !TOKENS.test(text)) return fail("must be comma-separated non-zero integers (n: a bucket of n requests, −k: k empty buckets)", "counts");
  const buckets: [number, number][] = [];
  let index = start;
  let total = 0;
  for (const token of text === "" ? [] : text.split(",")) {
    const n = Number(token);
    if (!Number.isSafeInteger(n)) return fail(`${token} is not a safe integer`, "counts");
    if (n < 0) {
      index -= n;
      if (index >= size) return fail(`skips to bucket ${index}, past the last (${size - 1})`, "counts");
      continue;
    }
    if (index >= size) return fail(`reaches bucket ${index}, past the last (${size - 1})`, "counts");
    total += n;
    if (!Number.isSafeInteger(total)) return fail("counts more requests than can be added up exactly", "counts");
    buckets.push([index, n]);
    index++;
  }
  return { subBucketBits: bits, buckets, total };
}
