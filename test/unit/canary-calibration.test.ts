import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import {
  analyse,
  calibrationCommand,
  calibrationVerdict,
  completeRun,
  familyLines,
  goalState,
  metricTable,
  parseCalibrationArgs,
  rateOf,
  rateText,
  readRecordedRuns,
  seriesTable,
  type RecordedRun,
  type SeriesResult,
} from "../../harness/canary/calibration.ts";
import { loadJudgeConfig } from "../../harness/canary/config.ts";
import type { Journal } from "../../harness/contracts/journal.ts";
import { makeJournal } from "../fixtures/journal.ts";

const config = loadJudgeConfig(undefined);

/** The parse error commander raises, with the message it prints (output silenced). */
function parseError(argv: string[]): { message: string; exitCode: number } {
  let printed = "";
  const command = calibrationCommand().configureOutput({ writeErr: (s) => (printed += s), writeOut: () => {} });
  try {
    parseCalibrationArgs(argv, command);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    return { message: printed.trim(), exitCode: e.exitCode };
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("npm run calibrate: options", () => {
  it("has the documented defaults: 6 trials a side of ab-steady and ab-crash, 2 a side per comparison, 400 comparisons, seed 1", () => {
    expect(parseCalibrationArgs([])).toEqual({ trials: 6, repeat: 2, comparisons: 400, seed: 1, scenarios: ["ab-steady", "ab-crash"], bad: 0, series: ["ab-latency", "ab-errors", "ab-crash"] });
    expect(parseCalibrationArgs(["--trials", "9", "--repeat", "3", "--comparisons", "1000", "--seed", "7", "--scenarios", "ab-crash", "--bad", "2", "--series", "ab-latency"])).toMatchObject({
      trials: 9,
      repeat: 3,
      comparisons: 1000,
      seed: 7,
      scenarios: ["ab-crash"],
      bad: 2,
      series: ["ab-latency"],
    });
    expect(parseCalibrationArgs(["--from", "test-output/calibration", "--repeat", "3"])).toMatchObject({ from: "test-output/calibration", repeat: 3, trials: 6 });
    // Recorded runs are resampled at any --repeat their pool allows.
    expect(parseCalibrationArgs(["--from", "test-output/calibration", "--repeat", "4"])).toMatchObject({ repeat: 4 });
  });

  it("refuses numbers that are not whole or out of range, unknown names, and fewer than 200 comparisons", () => {
    expect(parseError(["--trials", "abc"]).message).toBe(`error: option '--trials <k>' argument 'abc' is invalid. "abc" is not a whole number from 1 to 1000`);
    expect(parseError(["--repeat", "0"]).message).toBe(`error: option '--repeat <r>' argument '0' is invalid. "0" is not a whole number from 1 to 1000`);
    expect(parseError(["--comparisons", "100"]).message).toBe(`error: option '--comparisons <n>' argument '100' is invalid. "100" is not a whole number from 200 to 100000`);
    expect(parseError(["--bad", "2.5"]).message).toBe(`error: option '--bad <n>' argument '2.5' is invalid. "2.5" is not a whole number from 0 to 1000`);
    expect(parseError(["--scenarios", "ab-steady,ab-slow"]).message).toBe("error: option '--scenarios <names>' argument 'ab-steady,ab-slow' is invalid. unknown ab-slow (valid: ab-steady, ab-crash)");
    expect(parseError(["--series", "ab-latency,ab-slow"]).message).toBe("error: option '--series <names>' argument 'ab-latency,ab-slow' is invalid. unknown ab-slow (valid: ab-latency, ab-errors, ab-crash)");
  });

  it("records trials in whole A/B runs, and does not record with --from", () => {
    expect(parseError(["--trials", "5"])).toEqual({ message: "error: --trials (5) must be a multiple of --repeat (2): trials are recorded in A/B runs of --repeat trials a side", exitCode: 2 });
    expect(parseError(["--from", "x", "--trials", "8"]).message).toBe("error: option '--from <dir>' cannot be used with option '--trials <k>'");
    expect(parseError(["--from", "x", "--bad", "1"]).message).toBe("error: option '--from <dir>' cannot be used with option '--bad <n>'");
  });
});

describe("npm run calibrate: rates, intervals and the goal", () => {
  it("gives each rate its 95% Wilson score interval", () => {
    const none = rateOf(0, 400);
    expect(none.rate).toBe(0);
    expect(none.ci![0]).toBe(0);
    expect(none.ci![1]).toBeCloseTo(3.8415 / 403.8415, 4); // z² / (n + z²)
    const third = rateOf(1, 3);
    expect(third.ci![0]).toBeCloseTo(0.0615, 4);
    expect(third.ci![1]).toBeCloseTo(0.7923, 4);
    expect(rateOf(0, 0)).toEqual({ count: 0, total: 0, rate: null, ci: null });
    expect(rateText(rateOf(6, 400))).toBe("1.5% [0.7%, 3.2%]");
    expect(rateText(rateOf(0, 0))).toBe("—");
  });

  it("misses the goal only when the whole interval is above it; a rate above whose interval reaches below is a warning", () => {
    expect(goalState(rateOf(20, 400), 0.05)).toBe("met"); // 5.0% [3.3%, 7.6%]: at the goal
    expect(goalState(rateOf(26, 400), 0.05)).toBe("above"); // 6.5% [4.5%, 9.4%]
    expect(goalState(rateOf(36, 400), 0.05)).toBe("missed"); // 9.0% [6.6%, 12.2%]
    expect(rateOf(36, 400).ci![0]).toBeGreaterThan(0.05);
    expect(goalState(rateOf(0, 0), 0.05)).toBeNull();
    // Few comparisons: 1 of 3 (33%) against a 10% goal is only a warning, its interval [6.1%, 79.2%] reaching below.
    expect(goalState(rateOf(1, 3), 0.1)).toBe("above");
  });
});

const tally = (pass: number, fail: number, inconclusive: number) => ({ pass, fail, inconclusive });
function series(o: Partial<SeriesResult> & { scenario: string; verdicts: SeriesResult["verdicts"] }): SeriesResult {
  const total = o.verdicts.pass + o.verdicts.fail + o.verdicts.inconclusive;
  const aa = (o.kind ?? "aa") === "aa";
  const source = o.source ?? "resampled";
  const failRate = rateOf(o.verdicts.fail, total);
  const goal = aa && source === "resampled" ? 0.05 : null;
  return {
    label: `A/A ${o.scenario}`,
    kind: "aa",
    source,
    perturbation: null,
    asked: 400,
    comparisons: total,
    failRate,
    inconclusiveRate: rateOf(o.verdicts.inconclusive, total),
    flaggedRate: rateOf(o.verdicts.fail, total),
    goal,
    state: goal === null ? null : goalState(failRate, goal),
    metrics: {},
    ...o,
  };
}

describe("npm run calibrate: verdict", () => {
  it("exits 0 when every A/A false-fail rate meets the goal; power and real runs are reported, never held", () => {
    const v = calibrationVerdict(
      [
        series({ scenario: "ab-steady", verdicts: tally(390, 2, 8) }),
        series({ scenario: "ab-steady", source: "real runs", verdicts: tally(2, 1, 0), asked: 3 }),
        series({ scenario: "ab-steady", kind: "power", label: "latency +10% (ab-steady)", verdicts: tally(400, 0, 0) }),
      ],
      0.05,
      2,
    );
    expect(v).toEqual({ exitCode: 0, warnings: [], closing: "goal met: A/A false-fail rate ab-steady 0.5% [0.1%, 1.8%]; goal ≤ 5.0%" });
  });

  it("warns, and still exits 0, when a rate is above the goal but its interval reaches below it", () => {
    const v = calibrationVerdict([series({ scenario: "ab-steady", verdicts: tally(374, 26, 0) }), series({ scenario: "ab-crash", verdicts: tally(400, 0, 0) })], 0.05, 2);
    expect(v.exitCode).toBe(0);
    expect(v.warnings).toEqual(["warning: the A/A false-fail rate of ab-steady 6.5% [4.5%, 9.4%] is above 5.0%, but not surely (the interval reaches below it): record more trials"]);
    expect(v.closing).toBe("goal met, with a warning: A/A false-fail rate ab-steady 6.5% [4.5%, 9.4%], ab-crash 0.0% [0.0%, 1.0%]; goal ≤ 5.0%");
  });

  it("exits 1 when the whole interval of an A/A rate is above the goal", () => {
    const v = calibrationVerdict([series({ scenario: "ab-steady", verdicts: tally(364, 36, 0) })], 0.05, 2);
    expect(v).toEqual({ exitCode: 1, warnings: [], closing: "goal missed: A/A false-fail rate ab-steady 9.0% [6.6%, 12.2%] above 5.0%, the whole interval" });
  });

  it("warns when more than half of the A/A comparisons are inconclusive", () => {
    const v = calibrationVerdict([series({ scenario: "ab-crash", verdicts: tally(100, 0, 300) })], 0.05, 2);
    expect(v.exitCode).toBe(0);
    expect(v.warnings).toEqual(["warning: 75.0% of the A/A comparisons of ab-crash are inconclusive: see the metrics below"]);
  });

  it("exits 3 when a resampled series measured nothing, instead of reading 0 of 0 as a 0% rate, even beside a missed goal", () => {
    const v = calibrationVerdict(
      [series({ scenario: "ab-steady", verdicts: tally(300, 100, 0) }), series({ scenario: "ab-crash", verdicts: tally(0, 0, 0) }), series({ scenario: "ab-crash", kind: "power", verdicts: tally(0, 0, 0) })],
      0.05,
      2,
    );
    expect(v.exitCode).toBe(3);
    expect(v.closing).toBe("nothing measured for ab-crash: fewer than 4 complete trials recorded (2 a side, no trial on both)");
  });

  it("prints one row per series with both rates and the goal, and the metrics that were not always pass", () => {
    const s = [
      series({ scenario: "ab-steady", verdicts: tally(390, 2, 8), metrics: { "p50 (steady)": { pass: 390, high: 2, low: 0, inconclusive: 8, nodata: 0 }, mttr: { pass: 0, high: 0, low: 0, inconclusive: 0, nodata: 400 } } }),
      series({ scenario: "ab-steady", source: "real runs", verdicts: tally(3, 0, 0), asked: 3 }),
      series({ scenario: "ab-steady", kind: "power", label: "latency +30% (ab-steady)", verdicts: tally(0, 400, 0) }),
    ];
    expect(seriesTable(s).split("\n")).toEqual([
      "series                           source     comparisons    fail  inconclusive  fail rate (95% CI)      inconclusive rate (95% CI)  goal",
      "-------------------------------  ---------  -------------  ----  ------------  ----------------------  --------------------------  -----------",
      "false fails: A/A ab-steady       resampled  400            2     8             0.5% [0.1%, 1.8%]       2.0% [1.0%, 3.9%]           ≤ 5.0%: met",
      "false fails: A/A ab-steady       real runs  3 of 3 run(s)  0     0             0.0% [0.0%, 56.1%]      0.0% [0.0%, 56.1%]          not held",
      "power: latency +30% (ab-steady)  resampled  400            400   0             100.0% [99.0%, 100.0%]  0.0% [0.0%, 1.0%]           —",
    ]);
    expect(metricTable(s).split("\n")).toEqual([
      "series         source     metric        pass  high  low  inconclusive  nodata",
      "-------------  ---------  ------------  ----  ----  ---  ------------  ------",
      "A/A ab-steady  resampled  p50 (steady)  390   2     0    8             0",
    ]);
    expect(metricTable([s[1]!])).toBe("(none)");
  });

  it("says, per A/A series, how often some metric was high or low whatever the verdict: what the family-wise level bounds", () => {
    const s = [
      series({ scenario: "ab-crash", verdicts: tally(0, 0, 400), flaggedRate: rateOf(60, 400) }),
      series({ scenario: "ab-crash", source: "real runs", verdicts: tally(0, 0, 0) }),
      series({ scenario: "ab-steady", kind: "power", verdicts: tally(0, 400, 0) }),
    ];
    expect(familyLines(s, 0.05)).toEqual(["A/A ab-crash (resampled): a metric high or low in 60 of 400 comparisons, 15.0% [11.8%, 18.8%] (family-wise level 5.0%)"]);
  });
});

function writeRun(dir: string, name: string, sides: Record<"baseline" | "canary", Journal[]>): void {
  for (const [side, journals] of Object.entries(sides)) {
    journals.forEach((j, i) => {
      mkdirSync(join(dir, name, side, `trial-${i + 1}`), { recursive: true });
      writeFileSync(join(dir, name, side, `trial-${i + 1}`, "journal.json"), JSON.stringify(j));
    });
  }
}

describe("npm run calibrate: recorded runs", () => {
  it("reads SCENARIO-aa-N and SCENARIO-bad-N folders back, in order, and knows a run cut short", () => {
    const dir = mkdtempSync(join(tmpdir(), "steadystate-calibration-"));
    const j = (seed: number) => makeJournal({ seed, seconds: 8 });
    writeRun(dir, "ab-steady-aa-2", { baseline: [j(1), j(2)], canary: [j(3), j(4)] });
    writeRun(dir, "ab-steady-aa-1", { baseline: [j(5), j(6)], canary: [j(7), j(8)] });
    writeRun(dir, "ab-latency-bad-1", { baseline: [j(9)], canary: [j(10)] });
    // A run whose baseline trial errored: the canary never ran.
    writeRun(dir, "ab-steady-aa-3", { baseline: [{ ...j(11), verdict: "error" }], canary: [] });
    mkdirSync(join(dir, "scratch"));
    writeFileSync(join(dir, "calibration.json"), "{}");
    const runs = readRecordedRuns(dir);
    expect(runs.map((r) => [r.name, r.scenario, r.kind, r.baseline.length, r.canary.length, completeRun(r)])).toEqual([
      ["ab-latency-bad-1", "ab-latency", "bad", 1, 1, true],
      ["ab-steady-aa-1", "ab-steady", "aa", 2, 2, true],
      ["ab-steady-aa-2", "ab-steady", "aa", 2, 2, true],
      ["ab-steady-aa-3", "ab-steady", "aa", 1, 0, false],
    ]);
    expect(runs[1]!.baseline[0]!.file).toBe(join(dir, "ab-steady-aa-1", "baseline", "trial-1", "journal.json"));
  });

  it("analyses the runs: resampled A/A and power series per scenario, the real runs' own comparisons, what was recorded", () => {
    const j = (seed: number, verdict?: Journal["verdict"]) => ({ file: `t${seed}`, journal: { ...makeJournal({ seed, seconds: 8, latencyMs: 50 }), ...(verdict ? { verdict } : {}) } });
    const runs: RecordedRun[] = [
      { name: "ab-steady-aa-1", scenario: "ab-steady", kind: "aa", baseline: [j(1), j(2)], canary: [j(3), j(4)] },
      { name: "ab-steady-aa-2", scenario: "ab-steady", kind: "aa", baseline: [j(5), j(6, "interrupted")], canary: [j(7)] },
      { name: "ab-latency-bad-1", scenario: "ab-latency", kind: "bad", baseline: [j(8)], canary: [j(9)] },
    ];
    const r = analyse(runs, { repeat: 2, comparisons: 20, seed: 1, scenarios: ["ab-steady", "ab-crash"], series: ["ab-latency", "ab-errors"] }, config);
    expect(r.goal).toBe(config.familyLevel);
    expect(r.recorded).toEqual([
      { scenario: "ab-steady", runs: 2, completeRuns: 1, trials: 6, leftOut: 1 },
      { scenario: "ab-crash", runs: 0, completeRuns: 0, trials: 0, leftOut: 0 },
    ]);
    expect(r.series.map((s) => [s.kind, s.source, s.label, s.comparisons])).toEqual([
      ["aa", "resampled", "A/A ab-steady", 20],
      ["aa", "real runs", "A/A ab-steady", 1],
      ["power", "resampled", "latency +10% (ab-steady)", 20],
      ["power", "resampled", "latency +30% (ab-steady)", 20],
      ["power", "resampled", "errors +1 pt (ab-steady)", 20],
      ["power", "resampled", "errors +2 pts (ab-steady)", 20],
      ["power", "resampled", "latency variance ×2 (same median) (ab-steady)", 20],
      ["aa", "resampled", "A/A ab-crash", 0],
      ["aa", "real runs", "A/A ab-crash", 0],
      ["power", "resampled", "MTTR ×2 (ab-crash)", 0],
      ["power", "real runs", "ab-latency: +30% latency", 1],
    ]);
    expect(r.series[0]!.goal).toBe(0.05);
    expect(r.series.filter((s) => s.goal !== null)).toHaveLength(2);
    expect(r.verdict.exitCode).toBe(3);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
