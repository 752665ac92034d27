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
    // R's help output has the uncorrected one-sided p = 0.1103 (two-sided 0.2207); the corrected two-sided
    // 0.2446 is SAS NPAR1WAY's on the same data ("Z includes a continuity correction of 0.5"). No published
    // R interval with exact = FALSE was found for these data: the interval is only bounded below.
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

  // Published R output, where ties force the normal approximation with continuity correction (R warns
  // "cannot compute exact p-value with ties"). mtcars (R's datasets): mpg of automatic (am = 0) against
  // manual (am = 1) cars; `wilcox.test(mpg ~ am, data = mtcars, conf.int = TRUE)` prints W = 42,
  // p-value = 0.001871, 95 percent CI -11.699942 -2.900042, difference in location -6.799963 (knitted R
  // Markdown tutorials; W and p also on r-tutor.com's Mann-Whitney-Wilcoxon page).
  const MPG = [21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26, 30.4, 15.8, 19.7, 15, 21.4];
  const AM = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
  /** Whether `actual` prints as R printed `printed` (same significant digits). */
  const printsAs = (actual: number, printed: string) => Number(actual.toPrecision(printed.replace(/^[-0.]+/, "").replace(".", "").length)) === Number(printed);

  it("mtcars mpg by transmission (tied): W = 42, p = 0.001871, shift -6.8, 95% CI [-11.7, -2.9] as R prints them", () => {
    const automatic = MPG.filter((_, i) => AM[i] === 0);
    const manual = MPG.filter((_, i) => AM[i] === 1);
    const r = mannWhitney(manual, automatic, 0.95);
    expect(r.u).toBe(42);
    // Without the tie term of the variance the p-value would print 0.001884.
    expect(printsAs(r.pValue, "0.001871")).toBe(true);
    // R's uniroot and this bisection both stop within 1e-4 of the step of the rank statistic.
    expect(r.shift).toBeCloseTo(-6.799963, 3);
    // Without the continuity correction in the interval the lower bound would be -11.3.
    expect(r.ci[0]).toBeCloseTo(-11.699942, 3);
    expect(r.ci[1]).toBeCloseTo(-2.900042, 3);
  });

  it("airquality Ozone, May against August (tied): W = 127.5, p = 0.0001208 as in R's own example output", () => {
    // R's ?wilcox.test example `wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8))`,
    // whose printed output R keeps in tests/Examples/stats-Ex.Rout.save; days without a reading left out.
    const may = [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37];
    const august = [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84, 85];
    const r = mannWhitney(august, may, 0.95);
    expect(r.u).toBe(127.5);
    // Without the tie term: 0.0001214.
    expect(printsAs(r.pValue, "0.0001208")).toBe(true);
  });

  it("treats two constant samples that differ as complete separation: the shift is the difference, the interval that point", () => {
    // Per-window throughput capped by the load's rate: 200/s on one side, 150/s on the other.
    const r = mannWhitney(Array(12).fill(200), Array(12).fill(150), 0.98);
    expect(r.shift).toBe(-50);
    expect(r.ci).toEqual([-50, -50]);
    expect(r.u).toBe(0);
    expect(r.pValue).toBeLessThan(1e-5);
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
