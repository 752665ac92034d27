import { CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { calibrationCommand, calibrationVerdict, parseCalibrationArgs, type SeriesCount } from "../../harness/canary/calibration.ts";

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

const series = (label: string, aa: boolean, asked: number, total: number, failed: number): SeriesCount => ({ label, aa, asked, total, failed });

describe("npm run calibrate: options", () => {
  it("has the documented defaults: 20 A/A pairs, 2 trials a side, no bad canaries", () => {
    expect(parseCalibrationArgs([])).toEqual({ pairs: 20, repeat: 2, bad: 0, series: ["ab-latency", "ab-errors", "ab-crash"], aaCrash: 0 });
    expect(parseCalibrationArgs(["--pairs", "0", "--bad", "5", "--series", "ab-latency,ab-errors", "--repeat", "1"])).toMatchObject({ pairs: 0, bad: 5, repeat: 1, series: ["ab-latency", "ab-errors"] });
  });

  it("refuses numbers that are not whole, and counts that measure nothing", () => {
    expect(parseError(["--pairs", "abc"]).message).toBe(`error: option '--pairs <n>' argument 'abc' is invalid. "abc" is not a whole number from 0 to 1000`);
    expect(parseError(["--repeat", "0"]).message).toBe(`error: option '--repeat <n>' argument '0' is invalid. "0" is not a whole number from 1 to 1000`);
    expect(parseError(["--bad", "2.5"]).message).toBe(`error: option '--bad <n>' argument '2.5' is invalid. "2.5" is not a whole number from 0 to 1000`);
    expect(parseError(["--pairs", "0"])).toEqual({ message: "error: nothing to measure: give --pairs, --bad or --aa-crash above 0", exitCode: 2 });
    expect(parseError(["--series", "ab-latency,ab-slow"]).message).toBe(
      "error: option '--series <names>' argument 'ab-latency,ab-slow' is invalid. unknown series ab-slow (valid: ab-latency, ab-errors, ab-crash)",
    );
  });
});

describe("npm run calibrate: verdict", () => {
  it("passes when every A/A rate is within 5% and reports detection power without a goal", () => {
    const v = calibrationVerdict([series("ab-steady", true, 20, 20, 1), series("ab-latency", false, 5, 5, 2), series("ab-crash (canary = baseline)", true, 0, 0, 0)]);
    expect(v.lines).toEqual(["A/A false-fail rate, ab-steady: 1/20 = 5.0% (goal ≤ 5%)", "detection power, ab-latency: 2/5 = 40.0%"]);
    expect(v.exitCode).toBe(0);
  });

  it("fails (1) when an A/A rate is above the goal", () => {
    const v = calibrationVerdict([series("ab-steady", true, 20, 19, 2)]);
    expect(v.lines).toEqual(["A/A false-fail rate, ab-steady: 2/19 = 10.5% (goal ≤ 5%)", "false-fail rate above the goal: ab-steady"]);
    expect(v.exitCode).toBe(1);
  });

  it("exits 3 when a series asked for completed no comparison, instead of reading 0 of 0 as a 0% rate", () => {
    const v = calibrationVerdict([series("ab-steady", true, 20, 0, 0), series("ab-errors", false, 5, 0, 0)]);
    expect(v.lines).toEqual([
      "A/A false-fail rate, ab-steady: no comparison completed (of 20) (goal ≤ 5%)",
      "detection power, ab-errors: no comparison completed (of 5)",
      "nothing measured for ab-steady, ab-errors: every comparison had a trial that did not complete",
    ]);
    expect(v.exitCode).toBe(3);
  });
});
