// Properties of the Mann-Whitney result on seeded random samples, with and without ties, quantised (whole
// milliseconds, mostly zeros) and continuous: the p-value and the interval can never disagree (the interval
// excludes 0 exactly when p < 1 − confidence) and the estimate lies inside the interval.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AllTiedError, canShowShift, mannWhitney } from "../../harness/canary/mann-whitney.ts";

const confidence = fc.constantFrom(0.8, 0.9, 0.95, 0.98, 0.99);
/** Whole milliseconds, most of them 0 on one side: the data whose steps made R's bounds stop on the wrong side of 0. */
const quantised = (max: number) => fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: 0, max }), weight: 2 }), { minLength: 2, maxLength: 45 });
/** Distinct with probability 1 (no ties): latency-like values in ms. */
const continuous = fc.array(fc.double({ min: 1, max: 500, noNaN: true }), { minLength: 2, maxLength: 45 });
const samples = fc.oneof(fc.tuple(quantised(2), quantised(5)), fc.tuple(quantised(6), quantised(2)), fc.tuple(continuous, continuous), fc.tuple(quantised(30), continuous));
const method = fc.constantFrom<false | "auto">(false, "auto");

describe("Mann-Whitney: p-value and interval agree; the estimate lies inside the interval", () => {
  it("on 300 seeded random cases per method", () => {
    let exactCases = 0;
    fc.assert(
      fc.property(samples, confidence, method, ([baseline, canary], conf, exact) => {
        if (new Set([...baseline, ...canary]).size === 1) {
          expect(() => mannWhitney(baseline, canary, conf, { exact })).toThrow(AllTiedError);
          return;
        }
        const r = mannWhitney(baseline, canary, conf, { exact });
        expect(r.pValue).toBeGreaterThanOrEqual(0);
        expect(r.pValue).toBeLessThanOrEqual(1);
        expect(r.ci[0]).toBeLessThanOrEqual(r.ci[1]);
        expect(r.shift).toBeGreaterThanOrEqual(r.ci[0]);
        expect(r.shift).toBeLessThanOrEqual(r.ci[1]);
        const excludes = r.ci[0] > 0 || r.ci[1] < 0;
        if (r.method === "exact") {
          exactCases++;
          // R's exact interval can only reach the confidence when qwilcox(α/2) ≥ 1; below that it is the
          // range of the differences, at a lower achieved level (R's numbers, documented).
          if (!canShowShift(baseline.length, canary.length, conf, "exact")) return;
        }
        expect(excludes, JSON.stringify({ baseline, canary, conf, r })).toBe(r.pValue < 1 - conf);
      }),
      { seed: 20240611, numRuns: 600 },
    );
    expect(exactCases).toBeGreaterThan(50);
  });
});
