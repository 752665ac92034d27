import { describe, expect, it } from "vitest";
import { formatDuration, formatSize, parseByteRate, parseDuration, parsePercent, parseSize } from "../../harness/contracts/units.ts";

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
  it.each([
    ["512B", 512],
    ["64KB", 64_000],
    ["1.5MB", 1_500_000],
    ["1GB", 1e9],
    ["64MiB", 64 * 2 ** 20],
    ["1.5GiB", 1.5 * 2 ** 30],
    ["512k", 512 * 2 ** 10],
    ["64m", 64 * 2 ** 20],
    ["1.5g", 1.5 * 2 ** 30],
    ["100", 100],
    [4096, 4096],
  ])("size %j is %i bytes (decimal units as Toxiproxy and tc, binary as Docker)", (text, n) => expect(parseSize(text)).toBe(n));
  it.each(["64kb", "1 MB", "-1B", "", "1.5", "64 megs", "m", 1.5])("size rejects %j", (text) => expect(parseSize(text as string)).toBeUndefined());
  it("reads byte rates", () => {
    expect([parseByteRate("100KB/s"), parseByteRate("1MB/s"), parseByteRate("8Mbit"), parseByteRate("64kbit")]).toEqual([100_000, 1_000_000, 1_000_000, 8_000]);
  });
  it.each(["1MB", "0KB/s", "fast", "8mbit", "1MB/min"])("rate rejects %j", (text) => expect(parseByteRate(text)).toBeUndefined());
  it("formats the shortest text, decimal or binary", () => {
    expect([100, 64_000, 1_500_000, 2e9].map((b) => formatSize(b))).toEqual(["100B", "64KB", "1.5MB", "2GB"]);
    expect([512, 96 * 2 ** 20, 1.5 * 2 ** 30].map((b) => formatSize(b, "binary"))).toEqual(["512B", "96MiB", "1.5GiB"]);
  });
});

describe("percentages above 100%", () => {
  it("are read when asked (CPU over several cores)", () => {
    expect(parsePercent("150%", Infinity)).toBe(1.5);
    expect(parsePercent("150%")).toBeUndefined();
  });
});
