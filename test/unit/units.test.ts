import { describe, expect, it } from "vitest";
import { formatDuration, formatSize, parseByteRate, parseDuration, parsePercent, parseSize } from "../../harness/scenario/units.ts";

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

describe("sizes and rates", () => {
  it("read decimal units, as Toxiproxy and tc count them", () => {
    expect([parseSize("512B"), parseSize("64KB"), parseSize("1.5MB"), parseSize(100), parseSize("1GB")]).toEqual([512, 64_000, 1_500_000, 100, 1e9]);
    expect([parseByteRate("100KB/s"), parseByteRate("1MB/s"), parseByteRate("8Mbit"), parseByteRate("64kbit")]).toEqual([100_000, 1_000_000, 1_000_000, 8_000]);
  });
  it.each(["64kb", "1 MB", "-1B", "", "1.5"])("size rejects %j", (text) => expect(parseSize(text)).toBeUndefined());
  it.each(["1MB", "0KB/s", "fast", "8mbit", "1MB/min"])("rate rejects %j", (text) => expect(parseByteRate(text)).toBeUndefined());
  it("format the shortest text", () => expect([100, 64_000, 1_500_000, 2e9].map(formatSize)).toEqual(["100B", "64KB", "1.5MB", "2GB"]));
});
