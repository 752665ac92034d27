import { describe, expect, it } from "vitest";
import type { HypothesisSpec } from "../../harness/specs/hypothesis.ts";
import { Recorder } from "../../harness/metrics/recorder.ts";
import type { FaultRecord } from "../../harness/contracts/journal.ts";
import { measure } from "../../harness/run/measure.ts";

const T0 = 1_700_000_000_000;
const s = (seconds: number) => T0 + seconds * 1_000;
const H: HypothesisSpec = { windowMs: 1_000, stableForMs: 2_000, errorRate: { op: "<", value: 0.01 } };

/** Load every 10 ms, always fine; a journey ending every 2 s (sparse) at x.505 s, failing at the given ones. */
function run(journeyFailsAt: number[], inHypothesis = true): Recorder {
  const rec = new Recorder(T0, { windowMs: 1_000 });
  rec.addSource("load");
  rec.addSource("journey:checkout", { sparse: true, inHypothesis });
  const outcomes: [number, () => void][] = [];
  for (let t = T0; t < s(20); t += 10) outcomes.push([t, () => rec.record("load", t, true, 5)]);
  for (let k = 0; k < 10; k++) {
    const at = s(0.505 + 2 * k);
    const failed = journeyFailsAt.includes(0.505 + 2 * k);
    outcomes.push([at, () => rec.record("journey:checkout", at, !failed, failed ? 3_000 : 400, failed ? 'steps[3] expectText "Cart: 2 items"' : undefined)]);
  }
  for (const [, record] of outcomes.sort((a, b) => a[0] - b[0])) record();
  rec.close(s(20));
  return rec;
}

const fault = (injectedAt: number): FaultRecord => ({
  id: "faults[0]", kind: "crash", target: "api", description: "crash api", victims: ["api-0"], seed: null, atMs: 0, durationMs: null,
  injectedAt, restoredAt: null, impactStartAt: null, recoveredAt: null, impactMs: null, mttrMs: null, recovered: false, undoMs: null,
  detectedAt: null, detectedBy: null, actionAt: null, action: null, mttdMs: null, mttaMs: null, localisation: null,
});

describe("journeys in the steady-state hypothesis", () => {
  it("a window without a journey neither holds nor breaks it: sparse sources are no evidence", () => {
    const m = measure(run([]), H, [], T0);
    expect(m.hypothesis.windows).toEqual({ total: 20, held: 20 });
    expect(m.metrics.journeys).toEqual({
      checkout: { total: 10, ok: 10, failed: 0, failedBy: {}, availability: 1, latencyMs: expect.objectContaining({ max: 400 }), failures: [], failuresOmitted: 0 },
    });
  });

  it("a failed journey breaks its window, and recovery waits for the journey to work again", () => {
    const m = measure(run([6.505, 8.505]), H, [fault(s(5))], T0);
    expect(m.hypothesis.windows.held).toBe(18);
    expect(m.metrics.journeys!.checkout).toMatchObject({ total: 10, failed: 2, availability: 0.8, failedBy: { 'steps[3] expectText "Cart: 2 items"': 2 } });
    // The stretch from 6.51 s (buckets 6.5 s to 8.5 s) holds for the load and sees no journey at all: no
    // evidence that the checkout works again. The first stretch that sees it work is the one that reaches
    // the success at 10.505 s: from 8.6 s (windows at bucket resolution).
    expect(m.faults[0]).toMatchObject({ impactStartAt: s(6.505), recoveredAt: s(8.6), mttrMs: 3_600, recovered: true });
  });

  it("recovers at the first stretch that holds and sees the failed journey succeed", () => {
    const m = measure(run([6.505]), H, [fault(s(5))], T0);
    // The success at 8.505 s lies in the stretch from 6.6 s (buckets 6.6 s to 8.6 s), not in the one from 6.51 s.
    expect(m.faults[0]).toMatchObject({ impactStartAt: s(6.505), recoveredAt: s(6.6), mttrMs: 1_600, recovered: true });
  });

  it("a journey that did not fail imposes nothing: a stretch without any journey holds, MTTR 0", () => {
    // Injected at 6.51 s: the stretch to 8.51 s holds for the load and sees no journey.
    const m = measure(run([]), H, [fault(s(6.51))], T0);
    expect(m.faults[0]).toMatchObject({ impactStartAt: null, recoveredAt: s(6.51), mttrMs: 0, recovered: true });
  });

  it("judges journeys by their error rate only: latency conditions apply to the load, not to a journey's duration", () => {
    // Every journey takes 400 ms, the load 5 ms: p99 < 300ms holds, however long a user flow takes.
    const withLatency: HypothesisSpec = { ...H, p99: { op: "<", value: 300 } };
    const m = measure(run([]), withLatency, [fault(s(5))], T0);
    expect(m.hypothesis.windows).toEqual({ total: 20, held: 20 });
    expect(m.faults[0]).toMatchObject({ recoveredAt: s(5), mttrMs: 0 });
    // The same condition still judges the load: at 5 ms against p99 < 3ms no window holds.
    const strict: HypothesisSpec = { ...H, p99: { op: "<", value: 3 } };
    expect(measure(run([]), strict, [], T0).hypothesis.windows).toEqual({ total: 20, held: 0 });
  });

  it("with hypothesis: false a journey is measured and reported but does not decide recovery", () => {
    const m = measure(run([6.505, 8.505], false), H, [fault(s(5))], T0);
    expect(m.hypothesis.windows.held).toBe(20);
    expect(m.metrics.journeys!.checkout!.failed).toBe(2);
    expect(m.faults[0]).toMatchObject({ recoveredAt: s(5), mttrMs: 0 });
  });
});
