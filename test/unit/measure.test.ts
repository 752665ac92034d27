// How the run's numbers are measured, end to end without Docker: known outcomes into a Recorder, then
// measure (journal metrics) and evaluateSlos (objectives), each value worked out by hand below.
import { describe, expect, it } from "vitest";
import { Recorder } from "../../harness/metrics/recorder.ts";
import { journeySource, measure, probeSource } from "../../harness/run/measure.ts";
import { evaluateSlos } from "../../harness/slo/evaluate.ts";
import { parseObjective, type Objective } from "../../harness/specs/slo/grammar.ts";
import { sloUnits } from "../../harness/specs/slo/metrics.ts";
import { makeJournal } from "../fixtures/journal.ts";
import { LOAD_SOURCE } from "../../harness/contracts/journal.ts";
import { bucketOf, decodeHistogram } from "../../harness/contracts/latency-histogram.ts";
import { quantileOf } from "../../harness/canary/tails.ts";

const AT = { file: "journal.json", path: ["windows"] };

const START = 1_000_000;
const LOAD_MS = 10_000;
const WINDOW_MS = 1_000;

/**
 * 10 s of load, one request every 10 ms (1000 in all); request i takes 1 + (i mod 100)/100 ms, so each of
 * 1.00 … 1.99 ms occurs 10 times. The 50 requests of [3 s, 3.5 s) fail (no latency: refused). A probe
 * every 100 ms fails throughout [7 s, 8 s).
 */
function recorded(): Recorder {
  const rec = new Recorder(START, { windowMs: WINDOW_MS });
  rec.addSource(LOAD_SOURCE);
  rec.addSource(probeSource("health"));
  for (let i = 0; i < 1_000; i++) {
    const at = START + i * 10;
    const failed = at >= START + 3_000 && at < START + 3_500;
    if (failed) rec.record(LOAD_SOURCE, at, false, undefined, "ECONNREFUSED");
    else rec.record(LOAD_SOURCE, at, true, (1_000 + 10 * (i % 100)) / 1_000);
    if (i % 10 === 0) rec.record(probeSource("health"), at + 5, !(at >= START + 7_000 && at < START + 8_000), 1);
  }
  rec.close(START + LOAD_MS);
  return rec;
}

const objective = (text: string): Objective => {
  const r = parseObjective(text, sloUnits);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

describe("measuring a run from its outcomes", () => {
  const rec = recorded();
  const m = measure(rec, { windowMs: WINDOW_MS, stableForMs: 2_000, errorRate: { op: "<", value: 0.01 } }, [], START);

  it("counts requests, request-based availability, throughput and time-based availability", () => {
    expect(m.metrics.requests).toEqual({ total: 1_000, ok: 950, failed: 50, failedBy: { ECONNREFUSED: 50 } });
    expect(m.metrics.availability.request).toBe(0.95);
    // Windows 3 (load: 50% errors) and 7 (probe: all failed) break "error rate < 1%": 8 of 10 held.
    expect(m.windows?.map((w) => w.held)).toEqual([true, true, true, false, true, true, true, false, true, true]);
    expect(m.metrics.availability.time).toBe(0.8);
    expect(m.hypothesis.windows).toEqual({ total: 10, held: 8 });
    // Successful requests per second of the load phase: 950 / 10 s; all requests: 1000 / 10 s.
    expect(m.metrics.throughput).toBe(95);
    expect(m.metrics.requestRate).toBe(100);
  });

  it("takes latency quantiles over the successful requests (nearest rank)", () => {
    // Left: 1.00 … 1.49 ms 9 times each (450), 1.50 … 1.99 ms 10 times each (500); 950 in all.
    // p50: rank 475 → 450 + 3 × 10 reaches 1.52. p90: rank 855 → 1.90. p95: rank 903 → 1.95. p99: rank 941 → 1.99.
    expect(m.metrics.latencyMs).toMatchObject({ p50: 1.52, p90: 1.9, p95: 1.95, p99: 1.99, max: 1.99 });
    expect(m.metrics.probes.health).toMatchObject({ total: 100, ok: 90, failed: 10, availability: 0.9 });
  });

  it("gives each window the latency histogram of its successes, as exact as its bucket width", () => {
    const load = m.windows!.map((w) => w.series[LOAD_SOURCE]!);
    // Window 3 kept 1.50 … 1.99 ms (its 50 failures had no latency); the others 1.00 … 1.99 ms once each.
    expect(load.map((s) => decodeHistogram(s.histogram, AT).total)).toEqual(load.map((s) => s.ok));
    expect(load.map((s) => s.ok)).toEqual([100, 100, 100, 50, 100, 100, 100, 100, 100, 100]);
    const w0 = decodeHistogram(load[0]!.histogram, AT);
    // Buckets are 8 µs wide from 512 to 1023 µs, 16 µs from 1024 to 2047: 1.00 ms lies in [1000, 1007],
    // 1.49 ms in [1488, 1503], 1.99 ms in [1984, 1999]; a quantile is its bucket's midpoint.
    expect([0, 0.5, 1].map((q) => quantileOf(w0, q))).toEqual([1.0035, 1.4955, 1.9915]);
    expect(quantileOf(decodeHistogram(load[3]!.histogram, AT), 0)).toBe(1.4955);
    const probe = m.windows!.map((w) => decodeHistogram(w.series[probeSource("health")]?.histogram ?? { subBucketBits: 6, start: 0, counts: "" }, AT));
    // The probe failed throughout window 7: no success, no histogram.
    expect(probe.map((h) => h.total)).toEqual([10, 10, 10, 10, 10, 10, 10, 0, 10, 10]);
    expect(m.windows![7]!.series[probeSource("health")]).toMatchObject({ ok: 0, failed: 10 });
    expect(m.windows![7]!.series[probeSource("health")]).not.toHaveProperty("histogram");
  });

  it("leaves failures out of the histogram even when they carry a latency (timeouts, error statuses)", () => {
    const r = new Recorder(START, { windowMs: WINDOW_MS });
    for (let i = 0; i < 100; i++) r.record(LOAD_SOURCE, START + i * 10, i % 4 !== 0, i % 4 ? 2 : 1_000, i % 4 ? undefined : "timeout");
    r.close(START + WINDOW_MS);
    const [w] = measure(r, { windowMs: WINDOW_MS, stableForMs: 1_000 }, [], START).windows!;
    expect(w!.series[LOAD_SOURCE]).toMatchObject({ ok: 75, failed: 25, max: 1_000 });
    expect(w!.series[LOAD_SOURCE]!.histogram).toEqual({ subBucketBits: 6, start: bucketOf(2_000, 6), counts: "75" });
  });

  it("evaluates each objective on exactly those values: met at the value, missed just past it", () => {
    // Latency goals as bare numbers (milliseconds, as in k6): "1.52ms" would be read as a whole 2ms.
    const texts = [
      "availability >= 95%",
      "availability > 95%",
      "availability_time >= 80%",
      "availability_time > 80%",
      "error_rate <= 5%",
      "error_rate < 5%",
      "throughput >= 95/s",
      "throughput > 95/s",
      "p50 <= 1.52",
      "p50 < 1.52",
      "p90 <= 1.9",
      "p95 <= 1.95",
      "p95 < 1.95",
      "max <= 1.99",
      "max < 1.99",
    ];
    const results = evaluateSlos(texts.map(objective), { ...makeJournal({ seconds: 10 }), ...m });
    expect(results.map((r) => [r.objective, r.measured, r.pass])).toEqual([
      ["availability >= 95%", 0.95, true],
      ["availability > 95%", 0.95, false],
      ["availability_time >= 80%", 0.8, true],
      ["availability_time > 80%", 0.8, false],
      ["error_rate <= 5%", 0.05, true],
      ["error_rate < 5%", 0.05, false],
      ["throughput >= 95/s", 95, true],
      ["throughput > 95/s", 95, false],
      ["p50 <= 1.52", 1.52, true],
      ["p50 < 1.52", 1.52, false],
      ["p90 <= 1.9", 1.9, true],
      ["p95 <= 1.95", 1.95, true],
      ["p95 < 1.95", 1.95, false],
      ["max <= 1.99", 1.99, true],
      ["max < 1.99", 1.99, false],
    ]);
  });
});

describe("the windows' series", () => {
  it("carry every source, a journey kept out of the hypothesis too, whose failures leave `held` as it was", () => {
    const rec = new Recorder(START, { windowMs: WINDOW_MS });
    rec.addSource(LOAD_SOURCE);
    rec.addSource(journeySource("checkout"), { sparse: true, inHypothesis: false });
    for (let at = START; at < START + 3_000; at += 10) rec.record(LOAD_SOURCE, at, true, 2);
    // The journey fails in the first window and takes 800 ms in the second.
    rec.record(journeySource("checkout"), START + 500, false, 900, "timeout");
    rec.record(journeySource("checkout"), START + 1_500, true, 800);
    rec.close(START + 3_000);
    const m = measure(rec, { windowMs: WINDOW_MS, stableForMs: 2_000, errorRate: { op: "<", value: 0.01 } }, [], START);
    expect(m.windows!.map((w) => w.held)).toEqual([true, true, true]);
    expect(m.windows!.map((w) => w.series["journey:checkout"])).toEqual([expect.objectContaining({ ok: 0, failed: 1 }), expect.objectContaining({ ok: 1, failed: 0, max: 800 }), undefined]);
  });
});
