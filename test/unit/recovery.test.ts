import { describe, expect, it } from "vitest";
import type { HypothesisSpec } from "../../harness/specs/hypothesis.ts";
import { Recorder } from "../../harness/metrics/recorder.ts";
import { locateRecovery } from "../../harness/run/recovery.ts";

const T0 = 1_700_000_000_000;
const s = (seconds: number) => T0 + seconds * 1_000;
const H: HypothesisSpec = { windowMs: 1_000, stableForMs: 2_000, errorRate: { op: "<", value: 0.01 }, p99: { op: "<", value: 500 } };

type Outcome = { ok: boolean; latencyMs?: number } | null;

/** A synthetic run: one outcome every `stepMs` from `fromS` to `toS`, shaped by `at`. */
function run(toS: number, at: (t: number) => Outcome, stepMs = 10): Recorder {
  const rec = new Recorder(T0, { windowMs: 1_000 });
  rec.addSource("load");
  for (let t = T0; t < s(toS); t += stepMs) {
    const o = at(t);
    if (o) rec.record("load", t, o.ok, o.latencyMs ?? 5, o.ok ? undefined : "ECONNREFUSED");
  }
  rec.close(s(toS));
  return rec;
}

const between = (t: number, a: number, b: number) => t >= s(a) && t < s(b);
const ok: Outcome = { ok: true, latencyMs: 5 };
const fail: Outcome = { ok: false };

describe("recovery", () => {
  it("reports no impact and MTTR 0 when the hypothesis keeps holding", () => {
    const rec = run(20, () => ok);
    expect(locateRecovery(rec, ["load"], H, s(5))).toEqual({ impactStartAt: null, recoveredAt: s(5), impactMs: 0, mttrMs: 0 });
  });

  it("locates an outage to the millisecond", () => {
    const rec = run(20, (t) => (between(t, 5.003, 6.507) ? fail : ok), 1);
    expect(locateRecovery(rec, ["load"], H, s(5))).toEqual({
      impactStartAt: s(5.003),
      recoveredAt: s(6.507),
      impactMs: 1_504,
      mttrMs: 1_507,
    });
  });

  it("ignores a recovery that does not last stableFor (flapping)", () => {
    const rec = run(20, (t) => (between(t, 5, 6) || between(t, 6.5, 7.2) ? fail : ok));
    const r = locateRecovery(rec, ["load"], H, s(5));
    expect(r.recoveredAt).toBe(s(7.2));
    expect(r.mttrMs).toBe(2_200);
  });

  it("needs every window of the stretch to hold, not only the first", () => {
    // Healthy 6–7.5 s, then 3 % errors until 9 s: the stretch from 6 s breaks in its second window.
    const rec = run(20, (t) => {
      if (between(t, 5, 6)) return fail;
      if (between(t, 7.5, 9)) return Math.floor((t - T0) / 10) % 33 === 0 ? fail : ok;
      return ok;
    });
    const r = locateRecovery(rec, ["load"], H, s(5));
    expect(r.recoveredAt).toBeGreaterThan(s(8.9));
    expect(r.recoveredAt).toBeLessThan(s(9.1));
  });

  it("counts slowness as impact: latency-only degradation recovers at bucket resolution", () => {
    const rec = run(20, (t) => (between(t, 5, 7) ? { ok: true, latencyMs: 900 } : ok));
    const r = locateRecovery(rec, ["load"], H, s(5));
    expect(r.impactStartAt).toBe(s(5));
    expect(r.recoveredAt).toBeGreaterThanOrEqual(s(7));
    expect(r.recoveredAt).toBeLessThanOrEqual(s(7.1));
  });

  it("treats silence as unhealthy: no outcomes is not recovery", () => {
    const rec = run(20, (t) => (between(t, 5, 5.1) ? fail : between(t, 5.1, 8) ? null : ok));
    expect(locateRecovery(rec, ["load"], H, s(5)).recoveredAt).toBe(s(8));
  });

  it("never recovers when failures last to the end", () => {
    const rec = run(12, (t) => (t >= s(5) ? fail : ok));
    expect(locateRecovery(rec, ["load"], H, s(5))).toEqual({ impactStartAt: s(5), recoveredAt: null, impactMs: 7_000, mttrMs: null });
  });

  it("does not confirm a recovery whose stretch runs past the end of the load", () => {
    const rec = run(12, (t) => (between(t, 5, 10.5) ? fail : ok));
    expect(locateRecovery(rec, ["load"], H, s(5)).recoveredAt).toBeNull();
  });

  it("tolerates the failures the hypothesis allows", () => {
    const tolerant: HypothesisSpec = { ...H, errorRate: { op: "<", value: 0.05 } };
    const rec = run(20, (t) => (Math.floor((t - T0) / 10) % 50 === 0 ? fail : ok));
    expect(locateRecovery(rec, ["load"], tolerant, s(5)).mttrMs).toBe(0);
  });

  it("requires every source (load and probes) to hold", () => {
    // The load never notices; the probe fails from 5 s until its last failure at 7.75 s.
    const rec = new Recorder(T0, { windowMs: 1_000 });
    for (let t = T0; t < s(20); t += 10) {
      if ((t - T0) % 250 === 0) rec.record("probe:health", t, !between(t, 5, 8), 3);
      rec.record("load", t, true, 5);
    }
    rec.close(s(20));
    const r = locateRecovery(rec, ["load", "probe:health"], H, s(5));
    expect(r.impactStartAt).toBe(s(5));
    // The first success strictly after the probe's last failure (a load request, 10 ms later) begins the stretch.
    expect(r.recoveredAt).toBe(s(7.76));
  });
});
