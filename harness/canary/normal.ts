// The standard normal distribution from @stdlib, accurate to a few ulps over the whole range: the CDF is
// 0.5·erfc(−z/√2), which keeps its relative accuracy far into the tails (normalCdf(−10) =
// 7.6198530241605e-24 as R's pnorm), as the p-values of clear shifts need; the quantile is
// −√2·erfcinv(2p), equal to R's qnorm to ~1e-15 relative from p = 1e-300 to 1 − 1e-16 (normalQuantile(0.99)
// = 2.3263478740408408, R's qnorm(0.99) to the last digit). @stdlib's own normal quantile computes
// √2·erfinv(2p − 1), whose 2p − 1 throws away the digits of a small p (qnorm(1e-10) only to 2e-9), and
// simple-statistics' probit is a closed-form approximation off by ~0.005 at the 99th percentile.
import erfcinv from "@stdlib/math-base-special-erfcinv";
import cdf from "@stdlib/stats-base-dists-normal-cdf";

/** P(Z ≤ z) (R's pnorm(z)). For an upper tail use normalCdf(−z): the tails keep full relative accuracy. */
export function normalCdf(z: number): number {
  return cdf(z, 0, 1);
}

/** z such that P(Z ≤ z) = p (R's qnorm(p)). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`a probability strictly between 0 and 1 is needed, not ${p}`);
  return 0 - Math.SQRT2 * erfcinv(2 * p); // 0 − … rather than −…: the median is +0, not −0
}
