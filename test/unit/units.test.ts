import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration, parseBytes, parseDuration, parsePercent } from "../../harness/scenario/units.ts";

describe("durations", () => {
  it.each([
    ["250ms", 250],
    ["5s", 5_000],
    ["1.5s", 1_500],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["0", 0],
    [0, 0],
  ])("%s is %i ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["5", "5 s", "s", "-1s", "5sec", "", "1e3ms", 30])("rejects %j", (text) => {
    expect(parseDuration(text as string)).toBeUndefined();
  });

  it("formats the shortest exact text", () => {
    expect([250, 8_000, 1_599, 90_000, 7_200_000].map(formatDuration)).toEqual(["250ms", "8s", "1.599s", "1.5m", "2h"]);
  });
});

describe("percentages", () => {
  it("reads fractions", () => {
    expect(parsePercent("99.5%")).toBeCloseTo(0.995);
    expect(parsePercent("0%")).toBe(0);
    expect(parsePercent("100%")).toBe(1);
  });
  it.each(["99.5", "101%", "-1%", "%", "half"])("rejects %j", (text) => expect(parsePercent(text)).toBeUndefined());
});

describe("sizes", () => {
  it.each([
    ["256MiB", 268_435_456],
    ["1.5GiB", 1_610_612_736],
    ["500MB", 500_000_000],
    ["64KiB", 65_536],
    ["10B", 10],
  ])("%s is %i bytes", (text, bytes) => expect(parseBytes(text)).toBe(bytes));

  it.each(["256", "256 MiB", "256mb", "-1MiB", "1TiB"])("rejects %j", (text) => expect(parseBytes(text)).toBeUndefined());

  it("formats in the largest readable binary unit", () => {
    expect([268_435_456, 1_536, 10, 3 * 1024 ** 3].map(formatBytes)).toEqual(["256MiB", "1.5KiB", "10B", "3GiB"]);
  });

  it("reads percentages above 100% when asked (CPU over several cores)", () => {
    expect(parsePercent("150%", Infinity)).toBe(1.5);
  });
});
