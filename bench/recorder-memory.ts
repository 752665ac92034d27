// Item 4. Recording memory: the Recorder fed one hour of outcomes at 5,000 req/s (18 million), in a child
// process of its own so its RSS is the recorder's. The same hour at 500 req/s shows what memory follows:
// if it grew with requests the 5,000 req/s hour would hold ten times as much; it follows buckets (time).
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { BenchContext, BenchItem } from "./item.ts";
import { round } from "./stats.ts";

export interface OneHour {
  journalFile: string;
  outcomes: number;
  buckets: number;
  recordSeconds: number;
  journalSeconds: number;
  journalBytes: number;
  baselineRssMB: number;
  peakRssMB: number;
  /** Heap used after a full GC at each tenth of the hour. */
  heapMB: number[];
  rssMB: number[];
}

/** Runs bench/one-hour.ts once per rate and bench run (items 4 and 5 share it). */
export function oneHour(ctx: BenchContext, rate = 5_000): Promise<OneHour> {
  const key = `one-hour-${rate}`;
  if (!ctx.shared.has(key)) {
    const journalFile = join(ctx.workDir, `one-hour-${rate}.json`);
    const child = promisify(execFile)(
      process.execPath,
      ["--expose-gc", "--import", "tsx", join(import.meta.dirname, "one-hour.ts"), journalFile, String(rate)],
      { maxBuffer: 2 ** 20 },
    );
    ctx.shared.set(key, child.then(({ stdout }) => ({ journalFile, ...JSON.parse(stdout) })));
  }
  return ctx.shared.get(key) as Promise<OneHour>;
}

/** Retained heap growth from the first to the last tenth, scaled to the whole hour. */
const hourlyGrowthMB = (h: OneHour) => ((h.heapMB.at(-1)! - h.heapMB[0]!) * h.heapMB.length) / (h.heapMB.length - 1);

export const recorderMemory: BenchItem = {
  id: 4,
  title: "Recording memory: one hour at 5,000 req/s (18 million outcomes)",
  async run(ctx) {
    const full = await oneHour(ctx, 5_000);
    ctx.log(`18M outcomes recorded in ${round(full.recordSeconds, 1)}s, peak RSS ${full.peakRssMB} MB`);
    const tenth = await oneHour(ctx, 500);
    const growth = hourlyGrowthMB(full);
    return {
      figures: [
        { name: "peak RSS (process, 18M outcomes, journal built)", value: full.peakRssMB, unit: "MB", goal: { op: "<", value: 300 } },
        { name: "retained heap growth per hour of run", value: round(growth, 1), unit: "MB" },
        {
          name: "growth at 5,000 req/s ÷ growth at 500 req/s",
          value: round(growth / hourlyGrowthMB(tenth), 2),
          unit: "ratio",
          goal: { op: "<=", value: 1.25 },
          note: "≈1: memory follows time (100 ms buckets), not requests; 10 would mean per request",
        },
      ],
      details: {
        "5000/s": { ...full, journalFile: undefined },
        "500/s": { ...tenth, journalFile: undefined },
        bytesPerBucket: Math.round(((full.heapMB.at(-1)! - full.heapMB[0]!) * 2 ** 20) / (full.buckets * 0.9)),
      },
    };
  },
};
