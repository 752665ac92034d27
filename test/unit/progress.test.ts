// The live progress on stderr: the status text, its redraw in place on a terminal (carriage return and
// erase-line, events printed above it and the status drawn again), and plain timestamped lines elsewhere.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { statusText, terminalProgress } from "../../harness/cli/progress.ts";
import type { LiveStats } from "../../harness/run/orchestrator.ts";

const ERASE = "\r\x1b[2K";
const STATS: LiveStats = { elapsedMs: 12_340, totalMs: 40_000, requestsPerSecond: 198, errorRate: 0.0123, p99Ms: 41.27, activeFaults: [] };

/** A stream that keeps what is written, a terminal or not. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
  return { stream, writes, text: () => writes.join("") };
}

describe("status text", () => {
  it("elapsed of total, request rate, error rate and p99", () => {
    expect(statusText(STATS)).toBe("12.3s/40s · 198 req/s · errors 1.2% · p99 41.3ms");
  });

  it("dashes before anything is measured, the warm-up left, the active faults and the alerts firing", () => {
    expect(statusText({ ...STATS, elapsedMs: -2_500, errorRate: null, p99Ms: undefined, activeFaults: ["pause api", "latency +200ms"], alerts: ["HighErrors"] })).toBe(
      "warm-up, 2.5s left · 198 req/s · errors — · p99 — · fault: pause api, latency +200ms · firing: HighErrors",
    );
  });
});

describe("terminal progress", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("on a terminal: redraws one status line in place; events erase it, print a line and draw it again", () => {
    const out = fakeStream(true);
    const p = terminalProgress(out.stream, true, "trial 2/5");
    p.phase("starting targets");
    vi.setSystemTime(1_001_500);
    p.tick(STATS);
    p.tick({ ...STATS, elapsedMs: 13_000 });
    vi.setSystemTime(1_002_000);
    p.event({ at: 0, type: "inject", message: "pause api for 3s" });
    p.phase("removing targets");
    expect(out.writes).toEqual([
      "[   0.0s] trial 2/5 starting targets\n",
      `${ERASE}trial 2/5 · 12.3s/40s · 198 req/s · errors 1.2% · p99 41.3ms`,
      `${ERASE}trial 2/5 · 13.0s/40s · 198 req/s · errors 1.2% · p99 41.3ms`,
      ERASE,
      "[   2.0s] trial 2/5 inject: pause api for 3s\n",
      "trial 2/5 · 13.0s/40s · 198 req/s · errors 1.2% · p99 41.3ms",
      // A new phase ends the status line: it is erased and not drawn again.
      ERASE,
      "[   2.0s] trial 2/5 removing targets\n",
    ]);
  });

  it("elsewhere (CI logs): no control characters, the status as a timestamped line at most every 5 s", () => {
    const out = fakeStream(false);
    const p = terminalProgress(out.stream);
    p.tick(STATS);
    vi.setSystemTime(1_003_000);
    p.event({ at: 0, type: "undo", message: "pause api" });
    vi.setSystemTime(1_004_999);
    p.tick(STATS);
    vi.setSystemTime(1_005_000);
    p.tick({ ...STATS, activeFaults: ["pause api"] });
    expect(out.writes).toEqual([
      "[   0.0s] 12.3s/40s · 198 req/s · errors 1.2% · p99 41.3ms\n",
      "[   3.0s] undo: pause api\n",
      "[   5.0s] 12.3s/40s · 198 req/s · errors 1.2% · p99 41.3ms · fault: pause api\n",
    ]);
    expect(out.text()).not.toMatch(/[\r\x1b]/);
  });

  it("--no-progress: nothing at all, on a terminal or not", () => {
    for (const tty of [true, false]) {
      const out = fakeStream(tty);
      const p = terminalProgress(out.stream, false);
      p.phase("starting targets");
      p.tick(STATS);
      p.event({ at: 0, type: "inject", message: "crash api" });
      expect(out.writes).toEqual([]);
    }
  });
});
