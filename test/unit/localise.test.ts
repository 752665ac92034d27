import { describe, expect, it } from "vitest";
import { localise } from "../../harness/detect/localise.ts";
import type { ResourceSample, FaultRecord, TimelineRow } from "../../harness/contracts/journal.ts";

const T0 = 1_700_000_000_000;
const s = (seconds: number) => T0 + seconds * 1_000;
const fault = (target: string, injectedS: number) => ({ id: "faults[0]", target, injectedAt: s(injectedS) }) as FaultRecord;

/** One sample per second from 0 to 30 s, shaped by `at`. */
function samples(at: (t: number) => Partial<ResourceSample>): ResourceSample[] {
  return Array.from({ length: 31 }, (_, i) => ({ at: s(i) + 300, cpuPercent: 20 + (i % 3), memoryBytes: 50e6, restarts: 0, rxBytes: 0, txBytes: 0, ...at(i) }));
}
/** 100 ms timeline rows with the load failing from `failS` (or never). */
function timeline(failS: number | null): TimelineRow[] {
  return Array.from({ length: 300 }, (_, i) => ({ at: T0 + i * 100, series: { load: { ok: 10, failed: failS !== null && i * 100 >= failS * 1_000 ? 5 : 0 } } }));
}

describe("localisation", () => {
  it("a crash of the database shows first as the api's errors, but the database's container wins within one sampling period", () => {
    const resources = {
      "db-0": { target: "db", samples: samples((i) => (i >= 11 ? { memoryBytes: 0, cpuPercent: 0 } : {})) },
      "api-0": { target: "api", samples: samples(() => ({})) },
    };
    const l = localise(fault("db", 10.5), { timeline: timeline(10.5), resources, sourceTargets: { load: "api" }, until: s(20) });
    expect(l).toEqual({ target: "db", signal: "down", at: s(11) + 300, matchesInjected: true });
  });

  it("what users saw wins when no container changed within a sampling period", () => {
    const resources = { "api-0": { target: "api", samples: samples((i) => (i >= 14 ? { cpuPercent: 90 } : {})) } };
    const l = localise(fault("db", 10.5), { timeline: timeline(10.5), resources, sourceTargets: { load: "api" }, until: s(20) });
    expect(l).toEqual({ target: "api", signal: "errors", at: s(10.5), matchesInjected: false });
  });

  it("finds a restart, a CPU change beyond 50 % of the mean, and a memory change beyond 20 %", () => {
    const only = (series: ResourceSample[]) => localise(fault("api", 10), { timeline: timeline(null), resources: { "api-0": { target: "api", samples: series } }, sourceTargets: { load: "api" }, until: s(25) });
    expect(only(samples((i) => (i >= 12 ? { restarts: 1 } : {})))).toMatchObject({ signal: "restarts", at: s(12) + 300 });
    expect(only(samples((i) => (i >= 13 ? { cpuPercent: 2 } : {})))).toMatchObject({ signal: "cpu", at: s(13) + 300 });
    expect(only(samples((i) => (i >= 15 ? { memoryBytes: 70e6 } : {})))).toMatchObject({ signal: "memory", at: s(15) + 300 });
    expect(only(samples((i) => (i >= 15 ? { memoryBytes: 55e6, cpuPercent: 23 } : {})))).toBeNull();
  });
});

/** 100 ms timeline rows: 20 successes each, median and 99th percentile from `latency(i)` (bucket index). */
function latencyTimeline(latency: (i: number) => { p50: number; p99: number }, source = "load"): TimelineRow[] {
  return Array.from({ length: 300 }, (_, i) => ({ at: T0 + i * 100, series: { [source]: { ok: 20, failed: 0, ...latency(i) } } }));
}
// A steady 3 ms median (± 0.2) and 9 ms p99 (± 1), as a quiet api answers.
const steady = (i: number) => ({ p50: 3 + (i % 3) * 0.2, p99: 9 + (i % 2) });

describe("localising a latency fault", () => {
  it("a median jumping from 3 ms to 250 ms without a single error is localised on the load's target", () => {
    const l = localise(fault("api", 10), {
      timeline: latencyTimeline((i) => (i >= 102 ? { p50: 250, p99: 260 } : steady(i))),
      resources: {},
      sourceTargets: { load: "api" },
      until: s(20),
    });
    // The first slow outcomes complete 200 ms after the injection (bucket 102), the p50 and p99 together.
    expect(l).toEqual({ target: "api", signal: "p50", at: s(10.2), matchesInjected: true });
  });

  it("a probe's tail latency alone is localised on the probe's target", () => {
    const l = localise(fault("db", 10), {
      timeline: latencyTimeline((i) => (i >= 105 ? { p50: 3, p99: 400 } : steady(i)), "probe:db"),
      resources: {},
      sourceTargets: { load: "api", "probe:db": "db" },
      until: s(20),
    });
    expect(l).toEqual({ target: "db", signal: "probe:db p99", at: s(10.5), matchesInjected: true });
  });

  it("short spikes (two buckets), rises within 20 ms of the baseline, and rises after the window are not anomalies", () => {
    const only = (latency: (i: number) => { p50: number; p99: number }, until = s(20)) =>
      localise(fault("api", 10), { timeline: latencyTimeline(latency), resources: {}, sourceTargets: { load: "api" }, until });
    expect(only((i) => (i === 110 || i === 111 ? { p50: 300, p99: 900 } : steady(i)))).toBeNull();
    expect(only((i) => (i >= 110 ? { p50: 21, p99: 25 } : steady(i)))).toBeNull();
    expect(only((i) => (i >= 110 ? { p50: 250, p99: 260 } : steady(i)), s(11))).toBeNull();
    expect(only((i) => (i >= 110 ? { p50: 250, p99: 260 } : steady(i)), s(11.3))).toMatchObject({ signal: "p50", at: s(11) });
  });

  it("a container that changed within a sampling period of the slowness wins: it is nearer to the cause", () => {
    const resources = { "db-0": { target: "db", samples: samples((i) => (i >= 11 ? { cpuPercent: 95 } : {})) } };
    const l = localise(fault("db", 10.5), {
      timeline: latencyTimeline((i) => (i >= 106 ? { p50: 250, p99: 260 } : steady(i))),
      resources,
      sourceTargets: { load: "api" },
      until: s(20),
    });
    expect(l).toEqual({ target: "db", signal: "cpu", at: s(11) + 300, matchesInjected: true });
  });
});
