// The built-in detectors on synthetic series with known change points: N(10, 1) noise, one point per second,
// a step of `shift` σ at a known point. Measured: detection delay (points after the change until alarmed)
// and false firings on stationary series. Bounds come from the statistics of each chart, with the slack
// that a baseline estimated from few points adds; the figures are those quoted in docs/detection.md.
import fc from "fast-check";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { evaluate, type DetectorRuntime, type Point } from "../../harness/detect/detector.ts";
import { detectorRuntimes } from "../../harness/detect/registry.ts";
import type { DetectorKindSpec } from "../../harness/specs/detect/detector.ts";
import { detectorSpecs } from "../../harness/specs/detect/registry.ts";

const unit = { value: z.number(), minSigma: 0 };
type Kind = keyof typeof detectorSpecs;
const params = (kind: Kind, raw: object) => (detectorSpecs[kind] as DetectorKindSpec<any>).params(unit).parse(raw);
const run = (kind: Kind, raw: object, series: Point[]) => evaluate(detectorRuntimes[kind] as DetectorRuntime<any, any>, params(kind, raw), series);

/** Standard normal noise from a seed (Box-Muller), so every series is reproducible. */
function gaussian(seed: number): () => number {
  const rng = xoroshiro128plus(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
}

const CHANGE = 60;
function stepSeries(seed: number, shift: number, length = 120, end = length): Point[] {
  const g = gaussian(seed);
  return Array.from({ length }, (_, i) => ({ at: i * 1_000, value: 10 + g() + (i >= CHANGE && i < end ? shift : 0) }));
}

/** Points from the change until the detector is alarmed (Infinity when it never is before the end). */
function delay(kind: Kind, raw: object, series: Point[]): number {
  let alarmed = false;
  for (const e of run(kind, raw, series)) {
    if (e.at >= CHANGE * 1_000 && (alarmed || e.state === "firing")) return (Math.max(e.at, CHANGE * 1_000) - CHANGE * 1_000) / 1_000;
    alarmed = e.state === "firing";
  }
  return alarmed ? 0 : Infinity;
}

const SEEDS = Array.from({ length: 50 }, (_, i) => i + 1);
function delays(kind: Kind, raw: object, shift: number) {
  const all = SEEDS.map((seed) => delay(kind, raw, stepSeries(seed, shift)));
  const found = all.filter(Number.isFinite);
  return { mean: found.reduce((a, b) => a + b, 0) / found.length, max: Math.max(...found), missed: all.length - found.length };
}
function falseFirings(kind: Kind, raw: object): number {
  const total = SEEDS.reduce((n, seed) => n + run(kind, raw, stepSeries(seed, 0, 1_000)).filter((e) => e.state === "firing").length, 0);
  return total / SEEDS.length; // per 1000 points
}

const DEFAULTS: [Kind, object][] = [
  ["threshold", { op: ">", value: 13.5 }],
  ["ksigma", {}],
  ["ewma", {}],
  ["cusum", {}],
];

describe("detectors on synthetic step changes", () => {
  it.each(DEFAULTS)("%s sees a 6σ step within 2 points in every series", (kind, raw) => {
    const d = delays(kind, raw, 6);
    expect(d.missed).toBe(0);
    expect(d.max).toBeLessThanOrEqual(2);
  });

  it("a 1σ shift: CUSUM accumulates it, the trailing k·σ baseline absorbs it", () => {
    const cusum = delays("cusum", {}, 1);
    const ksigma = delays("ksigma", {}, 1);
    // Page's CUSUM with k = 0.5σ, h = 5σ has an out-of-control run length of about 10 points at δ = 1σ;
    // a baseline of 30 points widens it.
    expect(cusum.missed).toBeLessThanOrEqual(5);
    expect(cusum.mean).toBeLessThan(25);
    expect(ksigma.missed).toBeGreaterThan(cusum.missed * 3);
  });

  it("a longer baseline means fewer false alarms (σ is estimated better); the default is 30 s", () => {
    for (const kind of ["ksigma", "ewma", "cusum"] as const) {
      const short = falseFirings(kind, { baseline: "10s" });
      const long = falseFirings(kind, {});
      expect(long, kind).toBeLessThan(short);
      // In-control false alarm rates of the ideal charts are 1–2 per 1000 points; estimation adds to it.
      expect(long, kind).toBeLessThan(5);
    }
    // A fixed limit at μ + 3.5σ: P(x > 13.5) = 2.3e-4 per point.
    expect(falseFirings("threshold", { op: ">", value: 13.5 })).toBeLessThan(1);
  });

  it("`for` delays a threshold by exactly that long on a clean step", () => {
    const clean = Array.from({ length: 20 }, (_, i) => ({ at: i * 1_000, value: i >= 10 ? 5 : 0 }));
    expect(run("threshold", { op: ">", value: 1 }, clean)).toEqual([{ at: 10_000, state: "firing", value: 5 }]);
    expect(run("threshold", { op: ">", value: 1, for: "2s" }, clean)).toEqual([{ at: 12_000, state: "firing", value: 5 }]);
  });

  it("each resolves once the shift ends; CUSUM within 2h/k points (its sums are capped at 2h)", () => {
    const series = stepSeries(7, 6, 160, 90);
    const resolvedAfter = (kind: Kind, raw: object) => {
      const last = run(kind, raw, series).at(-1)!;
      expect(last.state, kind).toBe("resolved");
      return (last.at - 90_000) / 1_000;
    };
    expect(resolvedAfter("ksigma", {})).toBeLessThanOrEqual(1);
    expect(resolvedAfter("threshold", { op: ">", value: 13.5 })).toBeLessThanOrEqual(1);
    expect(resolvedAfter("cusum", {})).toBeLessThanOrEqual((2 * 5) / 0.5 + 1);
    // EWMA decays by (1 − λ) per point: from about 6σ to inside L·σ·√(λ/(2−λ)) ≈ 1.3σ takes ~5 points at λ = 0.3.
    expect(resolvedAfter("ewma", {})).toBeLessThanOrEqual(8);
  });

  it("a constant baseline (σ = 0, as an error rate of 0) fires on the first change, or beyond minSigma", () => {
    const zeros = (jumpAt: number, to: number) => Array.from({ length: 30 }, (_, i) => ({ at: i * 1_000, value: i >= jumpAt ? to : 0 }));
    for (const kind of ["ksigma", "ewma", "cusum"] as const) {
      expect(run(kind, { baseline: "10s" }, zeros(20, 0.02))[0], kind).toEqual({ at: 20_000, state: "firing", value: 0.02 });
      expect(run(kind, { baseline: "10s", minSigma: 0.01 }, zeros(20, 0.005)), kind).toEqual([]);
    }
  });
});

describe("detector properties", () => {
  const seriesArb = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }).map((values) => values.map((value, i) => ({ at: i * 1_000, value })));

  it("edges alternate, firing first, in time order", () => {
    fc.assert(
      fc.property(seriesArb, fc.constantFrom(...DEFAULTS), (series, [kind, raw]) => {
        const edges = run(kind, raw, series);
        edges.forEach((e, i) => expect(e.state).toBe(i % 2 === 0 ? "firing" : "resolved"));
        for (let i = 1; i < edges.length; i++) expect(edges[i]!.at).toBeGreaterThan(edges[i - 1]!.at);
      }),
    );
  });

  it("a threshold never fires when no value crosses its limit", () => {
    fc.assert(fc.property(seriesArb, (series) => {
      const limit = Math.max(...series.map((p) => p.value));
      expect(run("threshold", { op: ">", value: limit }, series)).toEqual([]);
    }));
  });

  it("statistical detectors never fire on a constant series", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 300 }), fc.constantFrom("ksigma", "ewma", "cusum" as const), (value, n, kind) => {
        const series = Array.from({ length: n }, (_, i) => ({ at: i * 1_000, value }));
        expect(run(kind as Kind, {}, series)).toEqual([]);
      }),
    );
  });

  it("a detector is pure: the same series gives the same edges", () => {
    fc.assert(fc.property(seriesArb, fc.constantFrom(...DEFAULTS), (series, [kind, raw]) => {
      expect(run(kind, raw, series)).toEqual(run(kind, raw, series));
    }));
  });
});

/** AR(1) noise x = φ·x + ε around 10, ε ~ N(0, 1): autocorrelated like most service signals. */
function ar1Series(seed: number, phi: number, length: number, shift = 0): Point[] {
  const g = gaussian(seed);
  let x = 0;
  return Array.from({ length }, (_, i) => {
    x = phi * x + g();
    return { at: i * 1_000, value: 10 + x + (i >= CHANGE ? shift : 0) };
  });
}

describe("forecast (ARIMA)", () => {
  const FEW = SEEDS.slice(0, 10); // a fit costs milliseconds: fewer series than above

  it("catches a 6σ step at once and a 3σ step within a few points (ARIMA(1,0,0), 99%)", () => {
    for (const seed of FEW) {
      expect(delay("forecast", {}, stepSeries(seed, 6)), `seed ${seed}`).toBe(0);
      expect(delay("forecast", {}, stepSeries(seed, 3)), `seed ${seed}`).toBeLessThanOrEqual(3);
    }
  });

  it("stays quiet on AR(1) noise at level 99.9%, and fires about 1 − level of the time at 99%", () => {
    const firings = (raw: object) => FEW.reduce((n, seed) => n + run("forecast", { refit: 10, ...raw }, ar1Series(seed, 0.6, 300)).filter((e) => e.state === "firing").length, 0) / FEW.length;
    const strict = firings({ level: "99.9%" });
    const loose = firings({});
    // Per 300 points: an ideal 99.9% interval lets 0.15 upward points through, 99% lets 1.5; a model
    // estimated on 30 points has a narrower interval than it should, hence the slack.
    expect(strict).toBeLessThan(1.5);
    expect(loose).toBeGreaterThan(strict);
    expect(loose).toBeLessThan(8);
  });

  it("catches a step of 4 (3.2 of the series' σ) in AR(1) noise at 99.9%", () => {
    const found = FEW.filter((seed) => {
      const d = delay("forecast", { level: "99.9%" }, ar1Series(seed, 0.6, 120, 4));
      return d <= 5;
    });
    expect(found.length).toBeGreaterThanOrEqual(FEW.length - 2);
  });

  it("refits every `refit` points: evaluations between fits cost a comparison (cost per evaluation printed)", () => {
    const series = stepSeries(3, 0, 200);
    const cost = (raw: object) => {
      const t0 = performance.now();
      run("forecast", raw, series);
      return (performance.now() - t0) / series.length;
    };
    const rows = [{}, { refit: 1 }, { refit: 20 }, { auto: true }].map((raw) => `${JSON.stringify(raw)}: ${cost(raw).toFixed(3)} ms/evaluation`);
    console.log(`forecast, mean cost per evaluation over ${series.length} points:\n  ${rows.join("\n  ")}`);
    // A step's edges do not depend on the schedule's bookkeeping: the same series gives the same edges.
    expect(run("forecast", { refit: 20 }, stepSeries(3, 6))).toEqual(run("forecast", { refit: 20 }, stepSeries(3, 6)));
  });

  it("never fires on a constant series (σ floored at minSigma)", () => {
    for (const value of [0, 10, 1e6]) {
      expect(run("forecast", { minSigma: 0.001 }, Array.from({ length: 100 }, (_, i) => ({ at: i * 1_000, value })))).toEqual([]);
    }
  });
});

describe("predict (time to breach)", () => {
  const MiB = 1024 ** 2;
  // Memory leaking 1 MiB/s from 100 MiB with N(0, (2 MiB)²) noise: it reaches a 256 MiB limit at 156 s.
  const SIGMA = 2 * MiB;
  const leak = (seed: number): Point[] => {
    const g = gaussian(seed);
    return Array.from({ length: 200 }, (_, i) => ({ at: i * 1_000, value: 100 * MiB + i * MiB + SIGMA * g() }));
  };
  const BREACH = 156_000;
  const raw = { limit: 256 * MiB, horizon: "60s", window: "30s" };

  it("fires before a linear memory ramp crosses its limit, the predicted breach within the noise's tolerance", () => {
    // A line through n = 30 points one second apart: its slope is known to σ/√(n(n² − 1)/12) per second,
    // its level at the window's middle to σ/√n; extrapolated H seconds ahead at slope m, the crossing time
    // is known to about √((H·se(m))² + (σ/√n)²)/m. Four of those is the tolerance.
    const n = 30;
    const seSlope = SIGMA / Math.sqrt((n * (n * n - 1)) / 12);
    const tolerance = (4 * Math.hypot(75 * seSlope, SIGMA / Math.sqrt(n)) / MiB) * 1_000;
    for (const seed of SEEDS.slice(0, 20)) {
      const first = run("predict", raw, leak(seed))[0]!;
      expect(first.state).toBe("firing");
      // It fires about `horizon` before the breach: once the line, extrapolated, reaches the limit in 60 s.
      expect(first.at, `seed ${seed}`).toBeLessThan(BREACH - 45_000);
      expect(first.at, `seed ${seed}`).toBeGreaterThan(BREACH - 75_000);
      const predicted = Date.parse(first.labels!.predicted_breach_at!);
      expect(Math.abs(predicted - BREACH), `seed ${seed}`).toBeLessThan(tolerance);
      expect(Number(first.labels!.predicted_breach_in)).toBe(predicted - first.at);
    }
    expect(tolerance).toBeLessThan(15_000);
  });

  it("stays quiet on a flat signal near its limit, and on one falling away from it", () => {
    for (const seed of SEEDS.slice(0, 20)) {
      const g = gaussian(seed);
      const flat = Array.from({ length: 300 }, (_, i) => ({ at: i * 1_000, value: 240 * MiB + SIGMA * g() }));
      expect(run("predict", raw, flat), `seed ${seed}`).toEqual([]);
      const falling = leak(seed).map((p) => ({ ...p, value: 400 * MiB - p.value + 100 * MiB }));
      expect(run("predict", { ...raw, limit: 600 * MiB }, falling)).toEqual([]);
    }
  });

  it("direction down: a value falling to a floor (a disk's free space)", () => {
    const free = Array.from({ length: 100 }, (_, i) => ({ at: i * 1_000, value: 100 - i }));
    const first = run("predict", { limit: 10, horizon: "20s", window: "10s", direction: "down" }, free)[0]!;
    expect(first).toMatchObject({ at: 70_000, state: "firing", labels: { predicted_breach_at: new Date(90_000).toISOString(), predicted_breach_in: "20000" } });
  });
});

describe("isolation-forest (multivariate)", () => {
  // Two coupled signals, as latency and CPU under a steady load: y follows x closely.
  const coupled = (seed: number, length: number, joint: (i: number) => [number, number] | null = () => null): Point[] => {
    const g = gaussian(seed);
    return Array.from({ length }, (_, i) => {
      const x = g();
      const pair = joint(i) ?? [x, x + 0.2 * g()];
      return { at: i * 1_000, value: 10 + pair[0], values: [10 + pair[0], 10 + pair[1]], names: ["p99", "cpu"] };
    });
  };
  const TRAIN = { train: "60s" };
  const FOUND_JOINT = 15;

  it("flags a joint anomaly that no single-signal threshold sees, and names the signals that moved", () => {
    // At points 130–134: x high and y low, each within 2.5σ of its own normal, never so apart together
    // (their difference is 25 times its usual spread).
    const joint = (i: number): [number, number] | null => (i >= 130 && i < 135 ? [2.5, -2.5] : null);
    const found = { "1%": 0, "5%": 0 };
    for (const seed of SEEDS.slice(0, 20)) {
      const series = coupled(seed, 160, joint);
      const loose = run("isolation-forest", { train: "120s", contamination: "5%" }, series);
      if (loose.some((e) => e.state === "firing" && e.at >= 130_000 && e.at < 135_000)) found["5%"]++;
      const inJoint = run("isolation-forest", { train: "120s" }, series).filter((e) => e.state === "firing" && e.at >= 130_000 && e.at < 135_000);
      if (inJoint.length > 0) {
        found["1%"]++;
        expect(inJoint[0]!.labels!.top_signals, `seed ${seed}`).toMatch(/^(p99 \+\d+\.\d MAD, cpu −\d+\.\d MAD|cpu −\d+\.\d MAD, p99 \+\d+\.\d MAD)$/);
      }
      // A threshold on either signal alone at μ ± 3.5σ is not alarmed there.
      for (const f of [0, 1]) {
        const alone = series.slice(130, 135).map((p) => ({ at: p.at, value: p.values![f]! }));
        expect(run("threshold", { op: ">", value: 13.5 }, alone), `seed ${seed}`).toEqual([]);
        expect(run("threshold", { op: "<", value: 6.5 }, alone), `seed ${seed}`).toEqual([]);
      }
    }
    // Training on 120 points puts the 99 % threshold at the training set's most isolated points (its
    // tails along the diagonal), which score about as high as a joint anomaly inside the signals' ranges.
    console.log(`isolation-forest: joint anomaly found in ${JSON.stringify(found)} of 20 series`);
    expect(found["1%"]).toBeGreaterThanOrEqual(FOUND_JOINT);
    expect(found["5%"]).toBeGreaterThanOrEqual(found["1%"]);
  });

  it("fires on about `contamination` of normal windows after training, and is reproducible from its seed", () => {
    const firings = SEEDS.slice(0, 20).reduce((n, seed) => n + run("isolation-forest", TRAIN, coupled(seed, 560)).filter((e) => e.state === "firing").length, 0) / 20;
    // 500 points after training at 1 % contamination: about 5 windows above the threshold, fewer edges.
    expect(firings).toBeLessThan(10);
    const series = coupled(3, 200);
    expect(run("isolation-forest", { ...TRAIN, seed: 7 }, series)).toEqual(run("isolation-forest", { ...TRAIN, seed: 7 }, series));
  });

  it("never fires on constant signals", () => {
    const flat = Array.from({ length: 100 }, (_, i) => ({ at: i * 1_000, value: 5, values: [5, 5], names: ["a", "b"] }));
    expect(run("isolation-forest", { train: "30s" }, flat)).toEqual([]);
  });
});
