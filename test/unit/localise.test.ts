import { describe, expect, it } from "vitest";
import { localise } from "../../harness/detect/localise.ts";
import type { ResourceSample } from "../../harness/monitor/docker-stats.ts";
import type { FaultRecord } from "../../harness/run/journal.ts";
import type { TimelineRow } from "../../harness/metrics/recorder.ts";

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
