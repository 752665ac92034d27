import { describe, expect, it } from "vitest";
import { harnessSample } from "../../bench/load-overhead.ts";
import { cpuMs, cpuShare, type CpuSample } from "../../bench/proc-cpu.ts";

// CPU read every 50 ms from t = 1000: 30 ms of CPU per 50 ms (0.6 of a core) from 1100 to 1400, idle around.
const samples: CpuSample[] = [
  { at: 1_000, cpuMs: 100 },
  { at: 1_050, cpuMs: 100 },
  { at: 1_100, cpuMs: 110 },
  { at: 1_150, cpuMs: 140 },
  { at: 1_200, cpuMs: 170 },
  { at: 1_250, cpuMs: 200 },
  { at: 1_300, cpuMs: 230 },
  { at: 1_350, cpuMs: 260 },
  { at: 1_400, cpuMs: 290 },
  { at: 1_450, cpuMs: 290 },
];

const journal = (over: object = {}) => ({
  loadStartedAt: 1_120,
  loadEndedAt: 1_420,
  metrics: { requests: { total: 3_000, ok: 2_990, failed: 10, failedBy: {} }, throughput: 9_966.67, latencyMs: { p50: 0.9, p99: 4.25 } },
  ...over,
}) as Parameters<typeof harnessSample>[0];

describe("bench item 1: the harness run's figures", () => {
  it("takes the CPU per wall millisecond between the first and last reads inside a span", () => {
    expect(cpuShare(samples, 1_120, 1_420)).toBe(0.6); // reads 1150 … 1400: 150 ms of CPU over 250 ms
    expect(cpuShare(samples, 1_000, 1_450)).toBeCloseTo(190 / 450, 10);
    expect(cpuShare(samples, 1_101, 1_149)).toBeUndefined();
    expect(cpuShare(samples, 1_150, 1_150)).toBeUndefined();
  });

  it("reads throughput and p99 from the journal, CPU over the load phase only, start-up apart", () => {
    expect(harnessSample(journal(), samples, 20)).toEqual({
      throughput: 9_966.67,
      p99: 4.25,
      requests: 3_000,
      cpuUsPerRequest: 60, // 0.6 ms of CPU per ms × 300 ms of load = 180 ms for 3,000 requests
      startupMs: 1_100,
    });
  });

  it("refuses a journal without a load phase, or a load phase with too few CPU reads", () => {
    expect(() => harnessSample(journal({ loadStartedAt: null }), samples, 20)).toThrow("the run's journal has no load phase");
    expect(() => harnessSample(journal({ loadStartedAt: 1_101, loadEndedAt: 1_149 }), samples, 20)).toThrow("no two CPU samples fall inside the run's load phase");
  });

  it("reads a process's CPU time from procfs as the process itself counts it, to the 10 ms tick", () => {
    const fromProcfs = cpuMs(process.pid);
    const { user, system } = process.cpuUsage();
    // procfs truncates user and system time to ticks each: at most 2 × 10 ms behind.
    expect((user + system) / 1_000 - fromProcfs).toBeGreaterThanOrEqual(0);
    expect((user + system) / 1_000 - fromProcfs).toBeLessThan(25);
  });
});
