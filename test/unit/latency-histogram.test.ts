// The window latency histogram of the journal: its bucketing (the error bound it documents), its written form
// (exact round trip, its size), and reading it back from an untrusted journal.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../harness/contracts/errors.ts";
import {
  bucketBounds,
  bucketCount,
  bucketMidMs,
  bucketOf,
  decodeHistogram,
  encodeHistogram,
  LATENCY_HISTOGRAM_BITS,
  LATENCY_HISTOGRAM_RELATIVE_ERROR,
  latencyMicros,
  MAX_SUB_BUCKET_BITS,
  MIN_SUB_BUCKET_BITS,
} from "../../harness/contracts/latency-histogram.ts";

const AT = { file: "runs/a/journal.json", path: ["windows", 3, "series", "load", "histogram"] };
const MAX_US = 2 ** 32 - 1;

describe("log-linear buckets", () => {
  it("every value lies in its bucket, and the bucket's midpoint within 2^-(b+1) of it (b = 6: 0.78125%)", () => {
    expect(LATENCY_HISTOGRAM_RELATIVE_ERROR).toBe(0.0078125);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_US }), fc.integer({ min: MIN_SUB_BUCKET_BITS, max: MAX_SUB_BUCKET_BITS }), (us, bits) => {
        const i = bucketOf(us, bits);
        const { lo, hi } = bucketBounds(i, bits);
        expect(lo).toBeLessThanOrEqual(us);
        expect(hi).toBeGreaterThanOrEqual(us);
        expect(i).toBeLessThan(bucketCount(bits));
        expect(Math.abs(bucketMidMs(i, bits) * 1_000 - us) / us).toBeLessThan(2 ** -(bits + 1));
      }),
      { numRuns: 2_000 },
    );
  });

  it("are contiguous and ordered: bucket i + 1 starts where bucket i ends", () => {
    for (const bits of [MIN_SUB_BUCKET_BITS, LATENCY_HISTOGRAM_BITS, MAX_SUB_BUCKET_BITS]) {
      let next = 0;
      for (let i = 0; i < bucketCount(bits); i++) {
        const { lo, hi } = bucketBounds(i, bits);
        expect(lo).toBe(next);
        next = hi + 1;
      }
      expect(next).toBe(2 ** 32);
      expect(bucketOf(MAX_US, bits)).toBe(bucketCount(bits) - 1);
    }
  });

  it("nest: a bucket of b + 1 bits lies inside one bucket of b bits", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bucketCount(7) - 1 }), (i) => {
        const { lo, hi } = bucketBounds(i, 7);
        expect(bucketOf(lo, 6)).toBe(bucketOf(hi, 6));
      }),
    );
  });

  it("records latencies as whole microseconds, clamped", () => {
    expect(latencyMicros(12.3456)).toBe(12_346);
    expect(latencyMicros(0)).toBe(0);
    expect(latencyMicros(-1)).toBe(0);
    expect(latencyMicros(Number.NaN)).toBe(0);
    expect(latencyMicros(1e12)).toBe(MAX_US);
  });
});

describe("written form", () => {
  it("runs of empty buckets are negative: 3 in bucket 1040, 1 in 1041, 2 in 1046", () => {
    const h = encodeHistogram(new Map([[1046, 2], [1040, 3], [1041, 1], [1050, 0]]));
    expect(h).toEqual({ subBucketBits: 6, start: 1040, counts: "3,1,-4,2" });
    expect(decodeHistogram(h, AT)).toEqual({ subBucketBits: 6, buckets: [[1040, 3], [1041, 1], [1046, 2]], total: 6 });
    expect(decodeHistogram(encodeHistogram(new Map()), AT)).toEqual({ subBucketBits: 6, buckets: [], total: 0 });
  });

  it("round-trips any bucket counts exactly", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.integer({ min: 0, max: bucketCount(6) - 1 }).map(String), fc.integer({ min: 1, max: 1e9 })), (d) => {
        const counts = new Map(Object.entries(d).map(([k, v]) => [Number(k), v]));
        const back = decodeHistogram(JSON.parse(JSON.stringify(encodeHistogram(counts))), AT);
        expect(new Map(back.buckets)).toEqual(counts);
        expect(back.total).toBe([...counts.values()].reduce((a, b) => a + b, 0));
      }),
    );
  });
});

describe("reading a histogram back from an untrusted journal", () => {
  const bad = (raw: unknown) => {
    try {
      decodeHistogram(raw, AT);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error(`accepted ${JSON.stringify(raw)}`);
  };
  const ok = { subBucketBits: 6, start: 1040, counts: "3,1,-4,2" };

  it("names the file and the field of each mistake", () => {
    const where = "runs/a/journal.json: windows[3].series.load.histogram";
    expect(bad(null)).toBe(`${where}: must be an object { subBucketBits, start, counts }`);
    expect(bad("3,1")).toBe(`${where}: must be an object { subBucketBits, start, counts }`);
    expect(bad({ ...ok, subBucketBits: 40 })).toBe(`${where}.subBucketBits: must be an integer from 3 to 10`);
    expect(bad({ ...ok, subBucketBits: 6.5 })).toBe(`${where}.subBucketBits: must be an integer from 3 to 10`);
    expect(bad({ ...ok, start: -1 })).toBe(`${where}.start: must be an integer from 0 to 1727`);
    expect(bad({ ...ok, start: 1e300 })).toBe(`${where}.start: must be an integer from 0 to 1727`);
    expect(bad({ ...ok, counts: [3, 1] })).toBe(`${where}.counts: must be a string of comma-separated integers`);
    expect(bad({ ...ok, counts: "3,0,1" })).toMatch(/^runs\/a\/journal\.json: windows\[3\]\.series\.load\.histogram\.counts: must be comma-separated non-zero integers/);
    expect(bad({ ...ok, counts: "3,1.5" })).toMatch(/\.counts: must be comma-separated non-zero integers/);
    expect(bad({ ...ok, counts: "3,,1" })).toMatch(/\.counts: must be comma-separated non-zero integers/);
    expect(bad({ ...ok, counts: "1e3" })).toMatch(/\.counts: must be comma-separated non-zero integers/);
    expect(bad({ ...ok, counts: "9999999999999999" })).toBe(`${where}.counts: 9999999999999999 is not a safe integer`);
    expect(bad({ ...ok, counts: "9007199254740991,1" })).toBe(`${where}.counts: counts more requests than can be added up exactly`);
    expect(bad({ ...ok, start: 1727, counts: "1,1" })).toBe(`${where}.counts: reaches bucket 1728, past the last (1727)`);
    expect(bad({ ...ok, counts: "1,-1000" })).toBe(`${where}.counts: skips to bucket 2041, past the last (1727)`);
    expect(bad({ ...ok, counts: "1,".repeat(20_000) + "1" })).toBe(`${where}.counts: is longer than 688 buckets can need`);
  });

  it("a source name that is not a plain word is quoted in the path", () => {
    expect(() => decodeHistogram({}, { file: "j.json", path: ["windows", 0, "series", "probe:health", "histogram"] })).toThrow(
      'j.json: windows[0].series["probe:health"].histogram.subBucketBits: must be an integer from 3 to 10',
    );
  });

  it("anything at all either reads as a valid histogram or is a UsageError: never a crash", () => {
    const field = fc.oneof(fc.anything(), fc.integer(), fc.string({ unit: fc.constantFrom(..."-0123456789,e. ") }));
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ subBucketBits: field, start: field, counts: field }, { requiredKeys: [] })), (raw) => {
        try {
          const h = decodeHistogram(raw, AT);
          expect(Number.isSafeInteger(h.total)).toBe(true);
          for (const [i, n] of h.buckets) {
            expect(i).toBeLessThan(bucketCount(h.subBucketBits));
            expect(n).toBeGreaterThan(0);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
