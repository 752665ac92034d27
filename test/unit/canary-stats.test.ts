import { median } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { AllTiedError, canShowShift, mannWhitney } from "../../harness/canary/mann-whitney.ts";
import { normalCdf, normalQuantile } from "../../harness/canary/normal.ts";
import { compareProportions, wilson } from "../../harness/canary/proportions.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("standard normal", () => {
  it("matches published quantiles (qnorm) to 1e-6", () => {
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 6);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 6);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 7);
  });
});

describe("Mann-Whitney U with Hodges-Lehmann shift (R wilcox.test, exact = FALSE, correct = TRUE)", () => {
  it("baseline 10..19 against canary 20..29: W = 100, shift 10, 98% CI [6, 14]", () => {
    const r = mannWhitney(range(10, 19), range(20, 29), 0.98);
    expect(r.u).toBe(100);
    expect(r.shift).toBeCloseTo(10, 3);
    // R's uniroot stops within 1e-4 of the step of the rank statistic.
    expect(r.ci[0]).toBeCloseTo(6, 3);
    expect(r.ci[1]).toBeCloseTo(14, 3);
    expect(r.pValue).toBeCloseTo(0.000182672, 8);
  });

  it("Hollander & Wolfe's data from R's documentation: W = 35, two-sided p = 0.2446 with continuity correction", () => {
    const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
    const y = [1.15, 0.88, 0.9, 0.74, 1.21];
    const r = mannWhitney(y, x, 0.95);
    expect(r.u).toBe(35);
    expect(r.pValue).toBeCloseTo(0.244624, 5);
    // The shift is the median of the 50 pairwise differences: between the 25th and 26th.
    const diffs = x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);
    expect(r.shift).toBeGreaterThanOrEqual(diffs[24]! - 1e-4);
    expect(r.shift).toBeLessThanOrEqual(diffs[25]! + 1e-4);
    expect(r.ci[0]).toBeLessThan(0);
    expect(r.ci[1]).toBeGreaterThan(r.shift);
  });

  it("with ties, the shift is still the median of pairwise differences and the interval contains it", () => {
    const baseline = [1, 2, 2, 3, 3, 3, 4, 4, 5, 6, 6, 7];
    const canary = [3, 3, 4, 5, 5, 5, 6, 7, 7, 8, 9, 9];
    const r = mannWhitney(baseline, canary);
    expect(r.shift).toBeCloseTo(median(canary.flatMap((a) => baseline.map((b) => a - b))), 3);
    expect(r.ci[0]).toBeLessThanOrEqual(r.shift);
    expect(r.ci[1]).toBeGreaterThanOrEqual(r.shift);
  });

  it("refuses all-tied samples with R's message", () => {
    expect(() => mannWhitney([5, 5, 5], [5, 5])).toThrow(new AllTiedError());
    expect(new AllTiedError().message).toBe("cannot compute a confidence interval when all observations are tied");
  });

  it("knows when samples are too small to show any shift at 98% (4 against 4 cannot, 5 against 5 can)", () => {
    expect(canShowShift(4, 4, 0.98)).toBe(false);
    expect(canShowShift(5, 5, 0.98)).toBe(true);
    expect(canShowShift(3, 3, 0.95)).toBe(false);
    expect(canShowShift(1, 50, 0.98)).toBe(false);
  });
});

describe("proportions: Wilson and Newcombe's hybrid score interval (Newcombe 1998, tables I and II, 95%)", () => {
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])("Wilson %i/%i: [%f, %f]", (count, total, lo, hi) => {
    const [l, u] = wilson({ count, total }, 0.95);
    expect(l).toBeCloseTo(lo, 4);
    expect(u).toBeCloseTo(hi, 4);
  });

  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [10, 10, 0, 20, 0.6791, 1.0],
  ])("difference %i/%i − %i/%i: [%f, %f]", (c1, n1, c2, n2, lo, hi) => {
    const d = compareProportions({ count: c2, total: n2 }, { count: c1, total: n1 }, 0.95);
    expect(d.difference).toBeCloseTo(c1 / n1 - c2 / n2, 10);
    expect(d.ci[0]).toBeCloseTo(lo, 4);
    expect(d.ci[1]).toBeCloseTo(hi, 4);
  });
});
