// R's root finder (uniroot → R_zeroin2) and R's Wilcoxon rank-sum distribution, against R 4.2.2. CI has no
// R: each reference value was printed by the R call written next to it, with sprintf("%.17g", ...).
import { describe, expect, it } from "vitest";
import { dwilcox, pwilcox, qwilcox } from "../../harness/canary/wilcoxon-distribution.ts";
import { uniroot, UnirootError, zeroin2 } from "../../harness/canary/zeroin.ts";

const cubic = (x: number) => x ** 3 - 2 * x - 5;

describe("uniroot (R's zeroin, step for step)", () => {
  // Same iterations, so the same stopping point: the root, iteration count and estimated precision are R's
  // to the last bit, not merely within the tolerance.
  it.each([
    // r <- uniroot(function(x) x^3 - 2*x - 5, c(2, 3), tol = 1e-4); c(r$root, r$iter, r$estim.prec)
    ["x^3 - 2x - 5 on [2, 3], tol 1e-4", cubic, 2, 3, 1e-4, 2.0945512665841388, 5, 5.0973519992947303e-5],
    // uniroot(function(x) x^3 - 2*x - 5, c(2, 3), tol = 1e-12)
    ["x^3 - 2x - 5 on [2, 3], tol 1e-12", cubic, 2, 3, 1e-12, 2.0945514815423265, 8, 5.0093262871087063e-13],
    // uniroot(cos, c(0, 2), tol = 1e-4)
    ["cos on [0, 2], tol 1e-4", Math.cos, 0, 2, 1e-4, 1.570783521943903, 4, 5.0000000000771649e-5],
    // uniroot(function(x) ifelse(x < 0.3, 1, -1), c(0, 1), tol = 1e-4): a step, as in wilcox.test
    ["a step at 0.3 on [0, 1], tol 1e-4", (x: number) => (x < 0.3 ? 1 : -1), 0, 1, 1e-4, 0.29998779296875, 14, 6.103515625e-5],
  ] as const)("%s", (_, f, lower, upper, tol, root, iter, prec) => {
    const r = uniroot(f, lower, upper, { tol });
    expect(r.root).toBe(root);
    expect(r.iterations).toBe(iter);
    expect(r.estimatedPrecision).toBe(prec);
    expect(r.converged).toBe(true);
    // The other end of the final bracket has f of the opposite sign.
    expect(Math.sign(f(r.other))).not.toBe(Math.sign(f(r.root)));
  });

  it("stops at maxiter as R does", () => {
    // uniroot(function(x) x^3 - 2*x - 5, c(2, 3), tol = 1e-4, maxiter = 3): root 2.0946022401041318, iter 3,
    // estim.prec 0.0075504736339846446, warning "_NOT_ converged in 3 iterations"
    const r = uniroot(cubic, 2, 3, { tol: 1e-4, maxiter: 3 });
    expect(r.root).toBe(2.0946022401041318);
    expect(r.iterations).toBe(3);
    expect(r.estimatedPrecision).toBe(0.0075504736339846446);
    expect(r.converged).toBe(false);
    expect(zeroin2(cubic, 2, 3, cubic(2), cubic(3), 1e-4, 3).iterations).toBe(-1);
  });

  it("returns an end whose value is 0 at once, and refuses what uniroot refuses", () => {
    expect(uniroot((x) => x - 1, 1, 2).root).toBe(1);
    expect(uniroot((x) => x - 2, 1, 2).root).toBe(2);
    expect(() => uniroot((x) => x, 1, 1)).toThrow(new UnirootError("lower < upper  is not fulfilled"));
    expect(() => uniroot((x) => x, 1, 2)).toThrow(new UnirootError("f() values at end points not of opposite sign"));
    expect(() => uniroot(() => NaN, 1, 2)).toThrow(new UnirootError("f.lower = f(lower) is NA"));
  });
});

describe("Wilcoxon rank-sum distribution (R's dwilcox, pwilcox, qwilcox)", () => {
  const close = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-13 * expected);

  it("pwilcox", () => {
    // pwilcox(c(0, 5, 24, 50), 10, 10)
    [5.4125441122345148e-6, 0.00010283833813245577, 0.026212951135551749, 0.5147437701617269].forEach((p, i) => close(pwilcox([0, 5, 24, 50][i]!, 10, 10), p));
    // pwilcox(c(60, 99), 10, 10, lower.tail = FALSE)
    close(pwilcox(60, 10, 10, false), 0.21793608867912279);
    close(pwilcox(99, 10, 10, false), 5.4125441122345148e-6);
    // pwilcox(700, 30, 47); pwilcox(460, 30, 47): past 2^53 arrangements, R's choose() rounds; 1e-13 holds.
    close(pwilcox(700, 30, 47), 0.48137214525049943);
    close(pwilcox(460, 30, 47), 0.005029337768505995);
    expect(pwilcox(-1, 3, 3)).toBe(0);
    expect(pwilcox(9, 3, 3)).toBe(1);
    expect(pwilcox(9, 3, 3, false)).toBe(0);
  });

  it("dwilcox", () => {
    // dwilcox(c(0, 3, 12, 25), 5, 40)
    [8.1849202665992227e-7, 2.455476079979767e-6, 3.8469125253016347e-5, 0.00030857149405079073].forEach((d, i) => close(dwilcox([0, 3, 12, 25][i]!, 5, 40), d));
    expect(dwilcox(2.5, 5, 40)).toBe(0);
    expect(dwilcox(201, 5, 40)).toBe(0);
    // The probabilities add up to 1.
    let sum = 0;
    for (let k = 0; k <= 7 * 9; k++) sum += dwilcox(k, 7, 9);
    expect(sum).toBeCloseTo(1, 14);
  });

  it("qwilcox, with R's 10·DBL_EPSILON guard", () => {
    // qwilcox(c(0.005, 0.01, 0.025, 0.05, 0.5, 0.9), 10, 10)
    expect([0.005, 0.01, 0.025, 0.05, 0.5, 0.9].map((p) => qwilcox(p, 10, 10))).toEqual([17, 20, 24, 28, 50, 67]);
    // qwilcox((1 - 0.9)/2, 3, 3) = 0: P(W = 0) = 1/20 = 0.05 exactly, and (1 − 0.9)/2 is a hair below it.
    expect(qwilcox((1 - 0.9) / 2, 3, 3)).toBe(0);
    expect(qwilcox(0.05, 3, 3)).toBe(0);
    expect(qwilcox(0, 3, 3)).toBe(0);
    expect(qwilcox(1, 3, 3)).toBe(9);
    expect(qwilcox(0.1, 10, 10, false)).toBe(qwilcox(0.9, 10, 10));
  });
});
