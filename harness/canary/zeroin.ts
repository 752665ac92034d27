// R's root finder, step for step: `uniroot()` (src/library/stats/R/nlm.R) calling `R_zeroin2()`
// (src/library/stats/src/zeroin.c), Brent's method as in Forsythe, Malcolm and Moler's ZEROIN, with the
// iteration limit and the "f at both ends given" entry point that R added.
//
// Why hand-written: wilcox.test finds its confidence bounds and its estimate with
// `uniroot(..., tol = 1e-4)` on a step function, so its numbers are wherever *this* iteration stops —
// up to 1e-4 away from the step. Only the same sequence of bisection and inverse-interpolation steps, with
// the same stopping rule, lands on R's numbers; a generic Brent (or bisection) stops elsewhere within the
// same tolerance. No npm package implements R's zeroin (the registry has no zeroin/uniroot port), so it is
// written here, statement by statement after the C source, and tested against R's values.

export interface ZeroinResult {
  /** R's `$root`: the last and best approximation b. */
  root: number;
  /**
   * The other end of the final bracket (c in the C source): f(root) and f(other) have opposite signs (or
   * f(root) = 0), so a sign change of f lies between them. Not part of R's answer; the Mann-Whitney code
   * uses it to decide on which side of a step the root lies.
   */
  other: number;
  /** Iterations used (function evaluations after the two ends); R_zeroin2 reports -1, uniroot maxiter, when it did not converge. */
  iterations: number;
  /** False when the iteration limit was reached first (uniroot's warning "_NOT_ converged in … iterations"). */
  converged: boolean;
  /** R's `$estim.prec`: |c − b| when it stopped (0 if a root was hit exactly at an end). */
  estimatedPrecision: number;
}

/** Mirrors R's `fcn2` in optimize.c: non-finite values are replaced as R does, keeping the sign of −Inf. */
function finiteValue(v: number): number {
  if (Number.isFinite(v)) return v;
  if (v === -Infinity) return -Number.MAX_VALUE;
  return Number.MAX_VALUE; // +Inf and NaN ("NA/Inf replaced by maximum positive value")
}

/**
 * R_zeroin2: a zero of f in [ax, bx] given fa = f(ax) and fb = f(bx) of opposite signs, to within
 * 4·ε·|x| + tol. Variable names and statement order follow zeroin.c.
 */
export function zeroin2(f: (x: number) => number, ax: number, bx: number, fa: number, fb: number, tol: number, maxit: number): ZeroinResult {
  const EPSILON = Number.EPSILON; // DBL_EPSILON
  let a = ax;
  let b = bx;
  let c = a;
  let fc = fa;
  let remaining = maxit + 1;

  // First test if we have found a root at an endpoint.
  if (fa === 0) return { root: a, other: a, iterations: 0, estimatedPrecision: 0, converged: true };
  if (fb === 0) return { root: b, other: b, iterations: 0, estimatedPrecision: 0, converged: true };

  while (remaining--) {
    const prevStep = b - a; // distance from the last but one to the last approximation
    let p: number;
    let q: number;

    if (Math.abs(fc) < Math.abs(fb)) {
      // Swap data for b to be the best approximation.
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tolAct = 2 * EPSILON * Math.abs(b) + tol / 2;
    let newStep = (c - b) / 2;

    if (Math.abs(newStep) <= tolAct || fb === 0) {
      return { root: b, other: c, iterations: maxit - remaining, estimatedPrecision: Math.abs(c - b), converged: true };
    }

    // Decide if the interpolation can be tried: if prevStep was large enough and in the true direction.
    if (Math.abs(prevStep) >= tolAct && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      if (a === c) {
        // Only two distinct points: linear interpolation.
        const t1 = fb / fa;
        p = cb * t1;
        q = 1.0 - t1;
      } else {
        // Quadric inverse interpolation.
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0));
        q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0);
      }
      if (p > 0) q = -q; // p was calculated with the opposite sign; make p positive
      else p = -p; // and assign the possible minus to q

      // If b + p/q falls in [b, c] and isn't too large, it is accepted; otherwise bisection.
      if (p < 0.75 * cb * q - Math.abs(tolAct * q) / 2 && p < Math.abs((prevStep * q) / 2)) newStep = p / q;
    }

    if (Math.abs(newStep) < tolAct) {
      // Adjust the step to be not less than the tolerance.
      newStep = newStep > 0 ? tolAct : -tolAct;
    }
    a = b;
    fa = fb; // save the previous approximation
    b += newStep;
    fb = finiteValue(f(b)); // do a step to a new approximation
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      // Adjust c for it to have a sign opposite to that of b.
      c = a;
      fc = fa;
    }
  }
  // Failed to converge within maxit.
  return { root: b, other: c, iterations: -1, estimatedPrecision: Math.abs(c - b), converged: false };
}

export class UnirootError extends Error {}

/**
 * R's `uniroot(f, lower = , upper = , f.lower = , f.upper = , tol = , maxiter = 1000)` without interval
 * extension (R's default extendInt = "no"): the same argument checks and messages, then R_zeroin2.
 */
export function uniroot(
  f: (x: number) => number,
  lower: number,
  upper: number,
  options: { fLower?: number; fUpper?: number; tol?: number; maxiter?: number } = {},
): ZeroinResult {
  const tol = options.tol ?? Math.pow(Number.EPSILON, 0.25);
  const maxiter = options.maxiter ?? 1000;
  if (!(lower < upper)) throw new UnirootError("lower < upper  is not fulfilled");
  const fLower = options.fLower ?? f(lower);
  const fUpper = options.fUpper ?? f(upper);
  if (Number.isNaN(fLower)) throw new UnirootError("f.lower = f(lower) is NA");
  if (Number.isNaN(fUpper)) throw new UnirootError("f.upper = f(upper) is NA");
  if (!(Math.sign(fLower) * Math.sign(fUpper) <= 0)) throw new UnirootError("f() values at end points not of opposite sign");
  const result = zeroin2(f, lower, upper, fLower, fUpper, tol, maxiter);
  return result.converged ? result : { ...result, iterations: maxiter };
}
