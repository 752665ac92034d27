// The canary judge's statistics against R 4.2.2. CI has no R: every reference value below was printed by
// the R call written next to it (17 significant digits, `sprintf("%.17g", ...)`), and is held here to 1e-6
// relative. The data are defined in R as:
//
//   qb <- c(rep(0, 28), rep(1, 8), rep(2, 4)); qc <- rep(0:4, each = 8)      # quantised, heavy ties
//   b40 <- <B40 below>; c5 <- <C5 below>                                       # set.seed(42), rlnorm, round 1
//   bneg <- <BNEG below>; cneg <- <CNEG below>                                 # set.seed(7), rnorm, round 2
//   hwx <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46); hwy <- c(1.15, 0.88, 0.90, 0.74, 1.21)
//   auto <- mtcars$mpg[mtcars$am == 0]; man <- mtcars$mpg[mtcars$am == 1]
//   may <- airquality$Ozone[airquality$Month == 5 & !is.na(airquality$Ozone)]  # and aug: Month == 8
//   const0 <- rep(0, 20); varc <- c(0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6)
import { describe, expect, it } from "vitest";
import { AllTiedError, canShowShift, mannWhitney, type MannWhitneyOptions } from "../../harness/canary/mann-whitney.ts";
import { normalCdf, normalQuantile } from "../../harness/canary/normal.ts";
import { compareProportions, deflated, dispersion, wilson } from "../../harness/canary/proportions.ts";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const rep = (values: number[], times: number[]) => values.flatMap((v, i) => Array<number>(times[i]!).fill(v));

/** Equal to R's value to 1e-6 relative. */
function expectR(actual: number, expected: number) {
  expect(Math.abs(actual - expected), `${actual} against R's ${expected}`).toBeLessThanOrEqual(1e-6 * Math.abs(expected));
}

const QB = rep([0, 1, 2], [28, 8, 4]);
const QC = rep([0, 1, 2, 3, 4], [8, 8, 8, 8, 8]);
const B40 = [150.9, 84.4, 111.5, 120.9, 112.9, 96.9, 157.4, 97.2, 183.2, 98.1, 147.9, 198.6, 65.9, 92, 96.1, 121, 91.8, 45.1, 48.1, 148.6, 91.2, 58.6, 95, 144, 176.6, 87.9, 92.6, 58.9, 114.8, 82.5, 114.6, 123.5, 136.4, 83.3, 116.4, 59.7, 79, 77.5, 48.5, 101.1];
const C5 = [138.3, 116.7, 163.2, 104.5, 86.2];
const BNEG = [1.57, -5.39, -4.39, -3.82, -4.94, -4.89, -1.5, -3.23, -2.69, 1.38, -2.29, 2.43, 1.56, -2.35, 0.79];
const CNEG = [-4.06, -6.79, -5.61, -5.01, -3.02, -3.32, -3.59, -2.39, -7.78, -2.45, -4.63, -3.5];
const HWX = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const HWY = [1.15, 0.88, 0.9, 0.74, 1.21];
const MPG = [21, 21, 22.8, 21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 32.4, 30.4, 33.9, 21.5, 15.5, 15.2, 13.3, 19.2, 27.3, 26, 30.4, 15.8, 19.7, 15, 21.4];
const AM = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1];
const AUTO = MPG.filter((_, i) => AM[i] === 0);
const MAN = MPG.filter((_, i) => AM[i] === 1);
const MAY = [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37];
const AUG = [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84, 85];
const CONST0 = Array<number>(20).fill(0);
const VARC = [0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 5, 6];

describe("standard normal (R's qnorm and pnorm)", () => {
  it("quantiles equal R's to ~1e-15, also far in the tails", () => {
    // qnorm(c(0.99, 0.975, 0.95, 0.005, 1e-10))
    const r = [2.3263478740408408, 1.9599639845400536, 1.6448536269514715, -2.5758293035488999, -6.3613409024040557];
    [0.99, 0.975, 0.95, 0.005, 1e-10].forEach((p, i) => expect(Math.abs(normalQuantile(p) - r[i]!)).toBeLessThanOrEqual(4e-15 * Math.abs(r[i]!)));
    expect(normalQuantile(0.99)).toBe(2.3263478740408408);
    expect(normalQuantile(0.5)).toBe(0);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });

  it("the CDF keeps its relative accuracy in the tails", () => {
    // pnorm(c(1.959963984540054, -5, -10, -20))
    const r = [0.97499999999999998, 2.8665157187919391e-7, 7.6198530241605269e-24, 2.7536241186062337e-89];
    [1.959963984540054, -5, -10, -20].forEach((z, i) => expect(Math.abs(normalCdf(z) - r[i]!)).toBeLessThanOrEqual(1e-12 * r[i]!));
  });
});

interface RCase {
  /** The R call that printed the reference values. */
  call: string;
  baseline: number[];
  canary: number[];
  confidence: number;
  options?: MannWhitneyOptions;
  W: number;
  p: number;
  ci: [number, number];
  estimate: number;
  method: "exact" | "normal";
  /** R's attr(conf.int, "conf.level"). */
  confLevel?: number;
}

// exact = FALSE, correct = TRUE: the normal approximation, the judge's default.
const NORMAL: RCase[] = [
  // The docs' example (complete separation): R's uniroot stops 6.6e-6 inside the steps at 6 and 14.
  { call: "wilcox.test(20:29, 10:19, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)", baseline: range(10, 19), canary: range(20, 29), confidence: 0.98, W: 100, p: 0.00018267179110955016, ci: [6.0000065617337812, 13.99999343826622], estimate: 10, method: "normal" },
  // Heavy ties, quantised (1 ms steps): the baseline mostly 0, the canary's mean 5×, p ≈ 2e-7.
  { call: "wilcox.test(qc, qb, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)", baseline: QB, canary: QC, confidence: 0.98, W: 1312, p: 1.9847243712592667e-7, ci: [0.99998517686957367, 2.0000354496391655], estimate: 1.9999923269109383, method: "normal" },
  // Unequal sizes, 5 against 40.
  { call: "wilcox.test(c5, b40, conf.int = TRUE, conf.level = 0.95, exact = FALSE, correct = TRUE)", baseline: B40, canary: C5, confidence: 0.95, W: 132, p: 0.25526820018150198, ci: [-13.400026710120773, 50.800055902622127], estimate: 19.418125986675946, method: "normal" },
  // Negative values, a downward shift.
  { call: "wilcox.test(cneg, bneg, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)", baseline: BNEG, canary: CNEG, confidence: 0.98, W: 43, p: 0.023270292009950767, ci: [-5.0599858165876546, 0.22997256323428597], estimate: -2.2065347089817759, method: "normal" },
  // One confidence after the other on tied data (mtcars mpg by transmission).
  { call: "wilcox.test(auto, man, conf.int = TRUE, conf.level = 0.9, exact = FALSE, correct = TRUE)", baseline: MAN, canary: AUTO, confidence: 0.9, W: 42, p: 0.0018713913331785568, ci: [-10.999923823881224, -3.600056092926593], estimate: -6.7999629799061498, method: "normal" },
  { call: "wilcox.test(auto, man, conf.int = TRUE, conf.level = 0.95, exact = FALSE, correct = TRUE)", baseline: MAN, canary: AUTO, confidence: 0.95, W: 42, p: 0.0018713913331785568, ci: [-11.699942342066414, -2.9000422838653437], estimate: -6.7999629799061498, method: "normal" },
  { call: "wilcox.test(auto, man, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)", baseline: MAN, canary: AUTO, confidence: 0.98, W: 42, p: 0.0018713913331785568, ci: [-12.40007841920578, -1.8999660363165727], estimate: -6.7999629799061498, method: "normal" },
  { call: "wilcox.test(auto, man, conf.int = TRUE, conf.level = 0.99, exact = FALSE, correct = TRUE)", baseline: MAN, canary: AUTO, confidence: 0.99, W: 42, p: 0.0018713913331785568, ci: [-12.99998299469098, -1.599979810079136], estimate: -6.7999629799061498, method: "normal" },
  // One side constant (every baseline value 0).
  { call: "wilcox.test(varc, const0, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)", baseline: CONST0, canary: VARC, confidence: 0.98, W: 220, p: 2.3989078444074632e-6, ci: [0.9999746515497947, 3.000026043930657], estimate: 2.0000354538329681, method: "normal" },
  // Complete separation with the fewest values that can show it at 98% (5 against 5).
  { call: "wilcox.test(c(5.5, 6.1, 7.2, 8.4, 9.3), c(1.1, 2.3, 3.2, 4.6, 4.9), conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)", baseline: [1.1, 2.3, 3.2, 4.6, 4.9], canary: [5.5, 6.1, 7.2, 8.4, 9.3], confidence: 0.98, W: 25, p: 0.012185780355344811, ci: [0.60009358793426093, 8.1999412211414437], estimate: 4.0000057226917285, method: "normal" },
  // Hollander & Wolfe's data from R's ?wilcox.test.
  { call: "wilcox.test(hwx, hwy, conf.int = TRUE, conf.level = 0.95, exact = FALSE, correct = TRUE)", baseline: HWY, canary: HWX, confidence: 0.95, W: 35, p: 0.24462360512698336, ci: [-0.15001483719908448, 0.75994276532229388], estimate: 0.30250833904157232, method: "normal" },
  // R's ?wilcox.test example: airquality Ozone, May against August (tied).
  { call: "wilcox.test(may, aug, conf.int = TRUE, conf.level = 0.95, exact = FALSE, correct = TRUE)", baseline: AUG, canary: MAY, confidence: 0.95, W: 127.5, p: 0.00012080783076877442, ci: [-52.999985416270448, -14.999978983025168], estimate: -31.99995872193243, method: "normal" },
];

// R's default exact = NULL ({ exact: "auto" }) and exact = TRUE.
const EXACT: RCase[] = [
  { call: "wilcox.test(20:29, 10:19, conf.int = TRUE, conf.level = 0.98)", baseline: range(10, 19), canary: range(20, 29), confidence: 0.98, options: { exact: "auto" }, W: 100, p: 1.082508822446903e-5, ci: [6, 14], estimate: 10, method: "exact" },
  { call: "wilcox.test(hwx, hwy, conf.int = TRUE, conf.level = 0.95)", baseline: HWY, canary: HWX, confidence: 0.95, options: { exact: "auto" }, W: 35, p: 0.2544122544122544, ci: [-0.15000000000000002, 0.7599999999999999], estimate: 0.30500000000000005, method: "exact" },
  { call: "wilcox.test(c5, b40, conf.int = TRUE, conf.level = 0.95)", baseline: B40, canary: C5, confidence: 0.95, options: { exact: "auto" }, W: 132, p: 0.2642108631898763, ci: [-13.400000000000006, 50.799999999999997], estimate: 19.349999999999994, method: "exact" },
  { call: "wilcox.test(cneg, bneg, conf.int = TRUE, conf.level = 0.99)", baseline: BNEG, canary: CNEG, confidence: 0.99, options: { exact: true }, W: 43, p: 0.021412735721525602, ci: [-5.1600000000000001, 0.3100000000000005], estimate: -2.1849999999999996, method: "exact" },
  // Ties: R falls back to the normal approximation ("cannot compute exact p-value with ties"), with or
  // without exact = TRUE.
  { call: "wilcox.test(auto, man, conf.int = TRUE, conf.level = 0.95)", baseline: MAN, canary: AUTO, confidence: 0.95, options: { exact: "auto" }, W: 42, p: 0.0018713913331785568, ci: [-11.699942342066414, -2.9000422838653437], estimate: -6.7999629799061498, method: "normal" },
  { call: "wilcox.test(auto, man, conf.int = TRUE, conf.level = 0.95, exact = TRUE)", baseline: MAN, canary: AUTO, confidence: 0.95, options: { exact: true }, W: 42, p: 0.0018713913331785568, ci: [-11.699942342066414, -2.9000422838653437], estimate: -6.7999629799061498, method: "normal" },
  // R warns "Requested conf.level not achievable": 3 against 3 cannot reach 95%. We return R's numbers and
  // R's lowered conf.level (1 − 2/choose(6, 3) = 0.9) as achievedConfidence.
  { call: "wilcox.test(c(5, 6, 7), c(1, 2, 3), conf.int = TRUE, conf.level = 0.95)", baseline: [1, 2, 3], canary: [5, 6, 7], confidence: 0.95, options: { exact: "auto" }, W: 9, p: 0.10000000000000001, ci: [2, 6], estimate: 4, method: "exact", confLevel: 0.90000000000000002 },
  // 4 against 4 cannot reach 98% either (2/70 > 0.02), but within R's slack (achieved α − α ≤ α/2) R does not
  // warn and keeps conf.level 0.98: the interval is the whole range of the differences.
  { call: "wilcox.test(c(5, 6, 7, 8), c(1, 2, 3, 4), conf.int = TRUE, conf.level = 0.98)", baseline: [1, 2, 3, 4], canary: [5, 6, 7, 8], confidence: 0.98, options: { exact: "auto" }, W: 16, p: 0.028571428571428571, ci: [1, 7], estimate: 4, method: "exact", confLevel: 0.97999999999999998 },
];

describe("Mann-Whitney U with Hodges-Lehmann shift equals R's wilcox.test to 1e-6", () => {
  it.each([...NORMAL, ...EXACT])("$call", (c) => {
    const r = mannWhitney(c.baseline, c.canary, c.confidence, c.options);
    expect(r.u).toBe(c.W);
    expect(r.method).toBe(c.method);
    expectR(r.pValue, c.p);
    expectR(r.ci[0], c.ci[0]);
    expectR(r.ci[1], c.ci[1]);
    expectR(r.shift, c.estimate);
    expect(r.confidence).toBe(c.confidence);
    expect(r.achievedConfidence).toBe(c.confLevel ?? c.confidence);
  });

  it("the docs' example was 5e-5 off with bisection; R's zeroin puts it where R does", () => {
    const r = mannWhitney(range(10, 19), range(20, 29), 0.98);
    expect(r.ci[0]).toBeGreaterThan(6);
    expect(r.ci[1]).toBeLessThan(14);
    expect(r.ci[0].toFixed(7)).toBe("6.0000066");
    expect(r.ci[1].toFixed(7)).toBe("13.9999934");
  });

  it("uses the normal approximation unless asked, exact on request, and R's rule with 'auto'", () => {
    expect(mannWhitney(range(10, 19), range(20, 29)).method).toBe("normal");
    expect(mannWhitney(range(10, 19), range(20, 29), 0.98, { exact: true }).method).toBe("exact");
    // 50 values a side: R's default is the normal approximation.
    expect(mannWhitney(range(1, 50), range(31, 80), 0.98, { exact: "auto" }).method).toBe("normal");
    expect(mannWhitney(range(1, 49), range(31, 79).map((v) => v + 0.5), 0.98, { exact: "auto" }).method).toBe("exact");
    // Ties (the two ranges overlap) keep it normal.
    expect(mannWhitney(range(1, 49), range(31, 79), 0.98, { exact: "auto" }).method).toBe("normal");
  });

  it("treats two constant samples that differ as complete separation: the shift is the difference, the interval that point", () => {
    // Per-window throughput capped by the load's rate: 200/s on one side, 150/s on the other. R stops with an
    // error here (every value tied once the canary is shifted by −50).
    const r = mannWhitney(Array<number>(12).fill(200), Array<number>(12).fill(150), 0.98);
    expect(r.shift).toBe(-50);
    expect(r.ci).toEqual([-50, -50]);
    expect(r.u).toBe(0);
    expect(r.pValue).toBeLessThan(1e-5);
  });

  it("refuses all-tied samples with R's message, and samples that are empty or not finite", () => {
    expect(() => mannWhitney([5, 5, 5], [5, 5])).toThrow(new AllTiedError());
    expect(new AllTiedError().message).toBe("cannot compute a confidence interval when all observations are tied");
    expect(() => mannWhitney([], [1])).toThrow(RangeError);
    expect(() => mannWhitney([1, NaN], [1, 2])).toThrow(RangeError);
    expect(() => mannWhitney([1, 2], [3, 4], 1)).toThrow(RangeError);
  });

  it("knows when samples are too small to show any shift (normal: 4 against 4 cannot at 98%, 5 against 5 can)", () => {
    expect(canShowShift(4, 4, 0.98)).toBe(false);
    expect(canShowShift(5, 5, 0.98)).toBe(true);
    expect(canShowShift(3, 3, 0.95)).toBe(false);
    expect(canShowShift(1, 50, 0.98)).toBe(false);
  });

  it("knows it for the exact method from qwilcox: 4 against 4 cannot reach 98%, 4 against 5 can; 3 against 3 not 95%, 3 against 5 can", () => {
    expect(canShowShift(4, 4, 0.98, "exact")).toBe(false);
    expect(canShowShift(4, 5, 0.98, "exact")).toBe(true);
    expect(canShowShift(3, 3, 0.95, "exact")).toBe(false);
    expect(canShowShift(3, 5, 0.95, "exact")).toBe(true);
    expect(canShowShift(1, 50, 0.98, "exact")).toBe(false);
  });
});

describe("where R's own numbers disagree, the p-value decides and the estimate stays inside the interval", () => {
  // R's bounds are only within its root tolerance (1e-4) of the steps of the rank statistic; the p-value is
  // the test at 0 itself. Each case: R's output, then what we return instead.

  it("a step at 0, p < 1 − confidence but R's lower bound stops 2.4e-5 below 0: the bound moves past 0", () => {
    // wilcox.test(c(4, 2, 1, 4, 3), c(2, 1, 0, 0, 0, 1, 1), conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)
    //   W = 32, p = 0.0192842302404738, ci = [-2.4259309450777936e-05, 4], estimate = 2.0000332778473888
    const r = mannWhitney([2, 1, 0, 0, 0, 1, 1], [4, 2, 1, 4, 3], 0.98);
    expectR(r.pValue, 0.0192842302404738);
    expect(r.pValue).toBeLessThan(0.02);
    expect(r.ci[0]).toBeGreaterThan(0);
    expect(r.ci[0] - -2.4259309450777936e-5).toBeLessThan(2e-4);
    expect(r.ci[1]).toBe(4);
    expectR(r.shift, 2.0000332778473888);
  });

  it("R's estimate 2e-6 beyond its own upper bound: the estimate is the bound", () => {
    // wilcox.test(c(1, 3, 1, 1), c(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0), conf.int = TRUE, conf.level = 0.9, exact = FALSE, correct = TRUE)
    //   W = 95, p = 0.00082676981434284683, ci = [0.99998004569291066, 1.0000482223871694], estimate = 1.0000503666570026
    const r = mannWhitney([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0], [1, 3, 1, 1], 0.9);
    expectR(r.pValue, 0.00082676981434284683);
    expectR(r.ci[0], 0.99998004569291066);
    expectR(r.ci[1], 1.0000482223871694);
    expect(r.shift).toBe(r.ci[1]);
  });

  it("R's bounds in reverse order (the statistic jumps over the whole band at 0): put in order", () => {
    const canary = [0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 3, 0, 1, 1, 2, 0, 1, 0, 0, 0, 1, 0, 0];
    const baseline = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 2, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0];
    // wilcox.test(canary, baseline, conf.int = TRUE, conf.level = 0.9, exact = FALSE, correct = TRUE)
    //   W = 754.5, p = 0.041975321778113472, ci = [4.7345013255688039e-05, 4.5650595452511901e-05], estimate = 7.5029146237327467e-05
    const r = mannWhitney(baseline, canary, 0.9);
    expect(r.u).toBe(754.5);
    expectR(r.pValue, 0.041975321778113472);
    expectR(r.ci[0], 4.5650595452511901e-5);
    expectR(r.ci[1], 4.7345013255688039e-5);
    expect(r.shift).toBe(r.ci[1]);
  });

  it("too few values to reach the quantile: R's interval is the range of differences, ours holds the 0 the test accepts", () => {
    // wilcox.test(c(5, 6, 7, 8), c(1, 2, 3, 4), conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)
    //   W = 16, p = 0.030382821976577493, ci = [1, 7], estimate = 4
    const r = mannWhitney([1, 2, 3, 4], [5, 6, 7, 8], 0.98);
    expectR(r.pValue, 0.030382821976577493);
    expect(r.ci).toEqual([0, 7]);
    expect(r.shift).toBe(4);
    expect(canShowShift(4, 4, 0.98)).toBe(false);
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

describe("proportions: the p-value inverts the same interval", () => {
  // Independent reference: the same interval written in R, and uniroot on z to 1e-15:
  //   wilson <- function(x, n, z) { p <- x/n; den <- 1 + z^2/n; ce <- (p + z^2/(2*n))/den
  //     h <- z*sqrt(p*(1-p)/n + z^2/(4*n^2))/den; c(max(0, ce - h), min(1, ce + h)) }
  //   newcombe <- function(c1, n1, c2, n2, z) { p1 <- c1/n1; p2 <- c2/n2; w1 <- wilson(c1, n1, z)
  //     w2 <- wilson(c2, n2, z); d <- p1 - p2
  //     c(d - sqrt((p1 - w1[1])^2 + (w2[2] - p2)^2), d + sqrt((w1[2] - p1)^2 + (p2 - w2[1])^2)) }
  //   pval <- function(c1, n1, c2, n2) { d <- c1/n1 - c2/n2; if (d == 0) return(1)
  //     f <- function(z) { ci <- newcombe(c1, n1, c2, n2, z); if (d > 0) ci[1] else -ci[2] }
  //     2 * pnorm(-uniroot(f, c(0, 100), tol = 1e-15)$root) }
  it.each([
    [56, 70, 48, 80, 0.008133140358606801],
    [9, 10, 3, 10, 0.004963401417510247],
    [5, 56, 0, 29, 0.11755573067257469],
    [10, 10, 0, 20, 4.5078195587426259e-9],
    [30, 1000, 12, 1000, 0.0061040908656628404],
    [12, 1000, 30, 1000, 0.0061040908656628404],
    [3, 3, 0, 3, 0.0071192198194486838],
    [0, 20, 5, 25, 0.046525332552809023],
  ])("pval(%i, %i, %i, %i) = %f; the interval at confidence 1 − p has a bound at 0", (c1, n1, c2, n2, p) => {
    const baseline = { count: c2, total: n2 };
    const canary = { count: c1, total: n1 };
    const d = compareProportions(baseline, canary, 0.95);
    expect(Math.abs(d.pValue - p)).toBeLessThanOrEqual(1e-9 * p);
    const at = compareProportions(baseline, canary, 1 - d.pValue);
    const bound = c1 / n1 > c2 / n2 ? at.ci[0] : at.ci[1];
    expect(Math.abs(bound)).toBeLessThan(1e-9);
    // Just below that confidence the interval excludes 0, just above it holds 0.
    const below = compareProportions(baseline, canary, 1 - d.pValue * 1.001).ci;
    const above = compareProportions(baseline, canary, 1 - d.pValue * 0.999).ci;
    expect(below[0] > 0 || below[1] < 0).toBe(true);
    expect(above[0] > 0 || above[1] < 0).toBe(false);
  });

  it("equal proportions, both 0 included, have p = 1", () => {
    expect(compareProportions({ count: 0, total: 50 }, { count: 0, total: 80 }).pValue).toBe(1);
    expect(compareProportions({ count: 3, total: 30 }, { count: 6, total: 60 }).pValue).toBe(1);
    expect(compareProportions({ count: 7, total: 7 }, { count: 2, total: 2 }).pValue).toBe(1);
  });

  it("is below 1 − confidence exactly when the interval excludes 0", () => {
    for (const confidence of [0.8, 0.9, 0.95, 0.98, 0.99]) {
      for (let c1 = 0; c1 <= 12; c1++) {
        for (let c2 = 0; c2 <= 12; c2 += 3) {
          const d = compareProportions({ count: c2, total: 12 }, { count: c1, total: 15 }, confidence);
          expect(d.pValue < 1 - confidence, `${c1}/15 − ${c2}/12 at ${confidence}`).toBe(d.ci[0] > 0 || d.ci[1] < 0);
        }
      }
    }
  });

  it("tells a million requests without an error from a million with errors only", () => {
    const d = compareProportions({ count: 0, total: 1e6 }, { count: 1e6, total: 1e6 });
    expect(d.pValue).toBe(0);
    expect(d.ci[0]).toBeGreaterThan(0.99);
  });
});

describe("proportions: dispersion between trials (quasi-binomial φ)", () => {
  const trials = (counts: number[]) => counts.map((count) => ({ count, total: 1_000 }));

  it("is Pearson's X² / df of the trials around their side's pooled share, as R's quasibinomial glm estimates it", () => {
    // R: x <- c(10, 30, 12, 28); n <- rep(1000, 4); p <- sum(x) / sum(n); sum((x - n * p)^2 / (n * p * (1 - p))) / 3
    // gives 5.578231292517007; summary(glm(cbind(x, n - x) ~ 1, family = quasibinomial))$dispersion 5.57829 (its
    // fit stops within its own tolerance of the same p).
    expect(dispersion([trials([10, 30, 12, 28])])).toBeCloseTo(5.578231292517007, 12);
    expect(dispersion([trials([10, 30, 12, 28])]) / 5.578290737330897 - 1).toBeLessThan(1e-4);
    // Pooled over the sides, each around its own share: the same trials split in two sides of equal shares.
    expect(dispersion([trials([10, 30]), trials([12, 28])])).toBeGreaterThan(1);
  });

  it("is 1 with nothing to estimate it from, and never below 1", () => {
    expect(dispersion([trials([20])])).toBe(1);
    expect(dispersion([trials([0, 0, 0])])).toBe(1);
    expect(dispersion([trials([20, 20, 20])])).toBe(1);
  });

  it("widens the interval by √φ: trials that drift apart are fewer independent observations than their requests", () => {
    const b = { count: 40, total: 4_000 };
    const c = { count: 80, total: 4_000 };
    const plain = compareProportions(b, c, 0.95);
    const phi = 4;
    const wide = compareProportions(deflated(b, phi), deflated(c, phi), 0.95);
    expect(wide.difference).toBeCloseTo(plain.difference, 15);
    expect(wide.ci[1] - wide.ci[0]).toBeGreaterThan(1.9 * (plain.ci[1] - plain.ci[0]));
    expect(wide.pValue).toBeGreaterThan(plain.pValue);
  });
});
