import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration, parsePercent } from "../../harness/scenario/units.ts";

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
