// The judge compares any metric the journals hold: a Prometheus query the run evaluated, a probe's or a
// journey's latency, a target's CPU or memory. Fixture journals, no Docker.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeQueries, loadJudgeConfig, type JudgeConfig } from "../../harness/canary/config.ts";
import { judge } from "../../harness/canary/judge.ts";
import type { Side } from "../../harness/canary/samples.ts";
import { UsageError } from "../../harness/contracts/errors.ts";
import type { Journal } from "../../harness/contracts/journal.ts";
import type { QuerySeries } from "../../harness/contracts/query-series.ts";
import { loadScenario } from "../../harness/scenario/parse.ts";
import { requireJudgeSources, trialQueries } from "../../harness/run/ab.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";
import { judgeFileErrors } from "./judge-errors.ts";

const dir = mkdtempSync(join(tmpdir(), "steadystate-any-metric-"));
let files = 0;
/** A judge file of these metric lines (YAML flow mappings), loaded as `compare --config` would. */
function config(...metrics: string[]): JudgeConfig {
  const file = join(dir, `judge-${++files}.yaml`);
  writeFileSync(file, `metrics:\n${metrics.map((m) => `  - ${m}\n`).join("")}`);
  return loadJudgeConfig(file);
}

const side = (label: string, journals: Journal[]): Side => ({ label, journals: journals.map((journal, i) => ({ file: `${label}/trial-${i + 1}/journal.json`, journal })) });
const journals = (n: number, o: (k: number) => FixtureOptions) => Array.from({ length: n }, (_, k) => makeJournal(o(k)));
const only = (j: ReturnType<typeof judge>) => {
  expect(j.metrics).toHaveLength(1);
  return j.metrics[0]!;
};

const P99 = "histogram_quantile(0.99, sum(rate(http_request_duration_seconds_bucket[30s])) by (le))";
const P99_ROW = `{ name: checkout-p99, query: '${P99}', unit: duration, scale: 1000 }`;

/** The journal as `run --ab` leaves it: the query evaluated every `stepMs` over the load, `value(k)` at step k (1, 2, …). */
function withQuery(j: Journal, name: string, value: (k: number) => number, o: { query?: string; stepMs?: number; series?: Partial<QuerySeries> } = {}): Journal {
  const stepMs = o.stepMs ?? 1_000;
  const points: [number, number][] = [];
  for (let at = j.loadStartedAt! + stepMs, k = 1; at <= j.loadEndedAt!; at += stepMs, k++) points.push([at, value(k)]);
  j.queries = { ...j.queries, [name]: { query: o.query ?? P99, stepMs, series: 1, points, nonFinite: 0, ...o.series } };
  return j;
}
/** Seconds around `base`, ±5%, a different sequence per seed. */
const noisy = (base: number, seed: number) => (k: number) => base * (1 + 0.05 * Math.sin(k * 1.7 + seed * 3.1));

describe("any metric: a Prometheus query", () => {
  const sides = (baseS: number, canaryS: number, o: FixtureOptions = {}) => ({
    baseline: side("baseline", journals(2, (k) => ({ ...o, seed: 10 + k })).map((j, k) => withQuery(j, "checkout-p99", noisy(baseS, k)))),
    canary: side("canary", journals(2, (k) => ({ ...o, seed: 20 + k })).map((j, k) => withQuery(j, "checkout-p99", noisy(canaryS, k + 5)))),
  });

  it("compares its values scaled (seconds → ms), one per step, pooled over trials: a slower canary is higher, an equal one passes", () => {
    const c = config(P99_ROW);
    const slow = only(judge(c, sides(0.05, 0.08)));
    expect(slow).toMatchObject({ name: "checkout-p99 (steady)", unit: "duration", method: "mann-whitney", classification: "high", baseline: { n: 60 }, canary: { n: 60 } });
    expect(slow.baseline.value).toBeCloseTo(50, 0);
    expect(slow.reason).toMatch(/^higher: interval \[\+\d+(\.\d+)?ms, \+\d+(\.\d+)?ms\] above the margin \+5ms, Holm p /);
    const same = only(judge(c, sides(0.05, 0.05)));
    expect(same.classification).toBe("pass");
    expect(same.marginValue).toBeCloseTo(5, 1);
  });

  it("splits its points at the first injection: steady up to it, faults after it", () => {
    const c = config(P99_ROW, `{ name: checkout-p99, query: '${P99}', unit: duration, scale: 1000, phase: faults }`);
    const j = judge(c, sides(0.05, 0.05, { faults: [{ kind: "crash", atMs: 10_000, outageMs: 1_500 }] }));
    // 30 s of load, a point every second, the fault at 10 s: points 1..10 steady, 11..30 under faults.
    expect(j.metrics.map((m) => [m.name, m.baseline.n, m.canary.n])).toEqual([
      ["checkout-p99 (steady)", 20, 20],
      ["checkout-p99 (faults)", 40, 40],
    ]);
  });

  const reasonOf = (series: Partial<QuerySeries>, o: { query?: string } = {}) => {
    const b = side("baseline", journals(2, (k) => ({ seed: k })).map((j) => withQuery(j, "checkout-p99", () => 0.05, { series, ...o })));
    const c = side("canary", journals(2, (k) => ({ seed: k + 5 })).map((j) => withQuery(j, "checkout-p99", () => 0.05)));
    const r = only(judge(config(P99_ROW), { baseline: b, canary: c }));
    expect(r).toMatchObject({ classification: "nodata", counted: false });
    return r.reason;
  };

  it("says why it has no data instead of crashing: several series, none, NaN only, a failed query, another query", () => {
    expect(reasonOf({ series: 3, points: [] })).toBe("the query returned 3 series in baseline/trial-1/journal.json; aggregate it to one (sum, avg or max … by ())");
    expect(reasonOf({ series: 0, points: [] })).toBe("the query returned nothing in baseline/trial-1/journal.json: no series over the load; check its metric names and labels");
    expect(reasonOf({ points: [], nonFinite: 30 })).toBe(
      "no value of query checkout-p99 in the steady phase on the baseline side: 60 value(s) over the load were NaN or infinite and left out (a ratio or quantile over no requests?)",
    );
    expect(reasonOf({ points: [], error: "Prometheus: bad_data: 1:5: parse error: unexpected end of input" })).toBe(
      "the query failed in baseline/trial-1/journal.json: Prometheus: bad_data: 1:5: parse error: unexpected end of input",
    );
    expect(reasonOf({}, { query: "up" })).toBe('baseline/trial-1/journal.json holds another query as checkout-p99: "up"');
  });

  it("notes NaN values it left out when others remain", () => {
    const b = side("baseline", journals(2, (k) => ({ seed: k })).map((j, k) => withQuery(j, "checkout-p99", noisy(0.05, k), { series: { nonFinite: 2 } })));
    const c = side("canary", journals(2, (k) => ({ seed: k + 5 })).map((j, k) => withQuery(j, "checkout-p99", noisy(0.05, k + 5))));
    expect(only(judge(config(P99_ROW), { baseline: b, canary: c })).reason).toMatch(/; baseline: 4 value\(s\) over the load were NaN or infinite and left out/);
  });

  it("names the queries a journal has when it lacks the one asked for, and reads no inherited name (`constructor`)", () => {
    const plain = (label: string) => side(label, journals(2, (k) => ({ seed: k })));
    expect(only(judge(config(P99_ROW), { baseline: plain("baseline"), canary: plain("canary") })).reason).toBe(
      "baseline/trial-1/journal.json has no query checkout-p99 (it has: none); queries are evaluated by `run --ab` with this judge file, and need the scenario's detection.prometheus",
    );
    const other = side("baseline", journals(2, (k) => ({ seed: k })).map((j) => withQuery(j, "errors", () => 0)));
    const r = only(judge(config(`{ name: constructor, query: '${P99}', unit: number }`), { baseline: other, canary: other }));
    expect(r.reason).toBe(
      "baseline/trial-1/journal.json has no query constructor (it has: errors); queries are evaluated by `run --ab` with this judge file, and need the scenario's detection.prometheus",
    );
  });

  it("refuses a malformed `queries` field (a journal is untrusted input), naming the file and the field", () => {
    const bad = (series: unknown) => {
      const j = makeJournal({ seed: 1 });
      (j as unknown as { queries: unknown }).queries = { "checkout-p99": series };
      return () => judge(config(P99_ROW), { baseline: side("baseline", [j]), canary: side("canary", [j]) });
    };
    const good = { query: P99, stepMs: 1_000, series: 1, points: [[1, 2]], nonFinite: 0 };
    expect(bad({ ...good, points: [[1, "2"]] })).toThrow(new UsageError("baseline/trial-1/journal.json: queries.checkout-p99.points[0][1]: Invalid input: expected number, received string"));
    expect(bad({ ...good, points: [[2, 1], [1, 1]] })).toThrow(new UsageError("baseline/trial-1/journal.json: queries.checkout-p99.points: not in time order"));
    expect(bad({ ...good, series: 2 })).toThrow(new UsageError("baseline/trial-1/journal.json: queries.checkout-p99: has points but 2 series"));
    expect(bad({ ...good, extra: "<script>" })).toThrow(UsageError);
    expect(bad("lots")).toThrow(UsageError);
    const j = makeJournal({ seed: 1 });
    (j as unknown as { queries: unknown }).queries = [];
    expect(() => judge(config(P99_ROW), { baseline: side("baseline", [j]), canary: side("canary", [j]) })).toThrow(new UsageError("baseline/trial-1/journal.json: queries: expected a mapping"));
  });
});

describe("any metric: a probe's or a journey's latency", () => {
  it("compares a probe's per-window statistic: 8 ms against 5 ms is higher", () => {
    const c = config("{ probe: health, stat: p50 }");
    const r = only(judge(c, { baseline: side("baseline", journals(2, (k) => ({ seed: 10 + k, probeLatencyMs: 5 }))), canary: side("canary", journals(2, (k) => ({ seed: 20 + k, probeLatencyMs: 8 }))) }));
    expect(r).toMatchObject({ name: "probe health p50 (steady)", unit: "duration", classification: "high", baseline: { n: 60 }, canary: { n: 60 }, floor: 1, margin: 0.1 });
    const same = only(judge(c, { baseline: side("baseline", journals(2, (k) => ({ seed: 10 + k, probeLatencyMs: 5 }))), canary: side("canary", journals(2, (k) => ({ seed: 20 + k, probeLatencyMs: 5 }))) }));
    expect(same.classification).toBe("pass");
  });

  it("compares a journey's windows where it ended (a sparse source), and lists the valid names of an unknown one", () => {
    const withJourney = (label: string, seed: number) => side(label, journals(2, (k) => ({ seed: seed + k, extras: true })));
    const r = only(judge(config("{ journey: checkout, stat: p99 }"), { baseline: withJourney("baseline", 10), canary: withJourney("canary", 20) }));
    expect(r).toMatchObject({ name: "journey checkout p99 (steady)", classification: "pass", baseline: { n: 30 }, canary: { n: 30 } });
    expect(only(judge(config("{ journey: basket, stat: p99 }"), { baseline: withJourney("baseline", 10), canary: withJourney("canary", 20) })).reason).toBe(
      "baseline/trial-1/journal.json has no journey basket (valid: checkout)",
    );
    const plain = side("baseline", journals(1, () => ({})));
    expect(only(judge(config("{ journey: checkout, stat: p99 }"), { baseline: plain, canary: plain })).reason).toBe("baseline/trial-1/journal.json has no journey checkout (valid: none)");
    expect(only(judge(config("{ probe: helth, stat: p99 }"), { baseline: plain, canary: plain })).reason).toBe("baseline/trial-1/journal.json has no probe helth (valid: health)");
  });
});

describe("any metric: a target's CPU or memory", () => {
  const cpu = (label: string, seed: number, cpuPercent: number) => side(label, journals(2, (k) => ({ seed: seed + k, extras: true, cpuPercent })));

  it("compares CPU in percent of one core, one value per Docker stats sample within the load", () => {
    const r = only(judge(config("{ resource: cpu, target: api }"), { baseline: cpu("baseline", 10, 30), canary: cpu("canary", 20, 60) }));
    // A sample a second at +0 s … +29 s of the load: the one at its very start is left out, 29 a trial.
    expect(r).toMatchObject({ name: "cpu api (steady)", unit: "cpu", classification: "high", baseline: { n: 58 }, canary: { n: 58 }, floor: 1 });
    expect(r.reason).toMatch(/^higher: interval \[\+\d+(\.\d)?% cpu, \+\d+(\.\d)?% cpu\] above the margin \+\d+(\.\d)?% cpu/);
    expect(only(judge(config("{ resource: cpu, target: api, floor: 50% }"), { baseline: cpu("baseline", 10, 30), canary: cpu("canary", 20, 60) })).classification).toBe("pass");
  });

  it("pools memory over the target's replicas (each replica's samples, not their sum), and lists the targets of an unknown one", () => {
    const b = cpu("baseline", 10, 30);
    const c = cpu("canary", 20, 30);
    for (const { journal } of c.journals) journal.resources["ss-run-api-1"] = { target: "api", samples: journal.resources["ss-run-api-0"]!.samples.map((x) => ({ ...x, memoryBytes: x.memoryBytes + 1_000 })) };
    const r = only(judge(config("{ resource: memory, target: api, phase: steady }"), { baseline: b, canary: c }));
    expect(r).toMatchObject({ name: "memory api (steady)", unit: "bytes", baseline: { n: 58 }, canary: { n: 116 }, classification: "pass", floor: 2 ** 20 });
    expect(only(judge(config("{ resource: memory, target: db }"), { baseline: b, canary: c })).reason).toBe("baseline/trial-1/journal.json has no target db (valid: api)");
    // A target without samples (a url target, or a run without extras) has no data, said plainly.
    const bare = side("baseline", journals(1, () => ({})));
    expect(only(judge(config("{ resource: memory, target: api }"), { baseline: bare, canary: bare })).reason).toBe("no value of memory samples of target api in the steady phase on the baseline side");
  });
});

describe("any metric: judge.yaml", () => {
  it("reads each form with the defaults: direction increase, margin 10%, a floor per unit", () => {
    const c = config(
      P99_ROW,
      "{ name: errors, query: 'sum(rate(e[1m])) / sum(rate(r[1m]))', unit: share, step: 5s, direction: either, floor: 1% }",
      "{ probe: health, stat: p99, phase: faults, critical: true }",
      "{ journey: checkout, stat: mean, margin: 20% }",
      "{ resource: cpu, target: api, floor: 150% }",
      "{ resource: memory, target: api, floor: 64MiB, weight: 2 }",
      "{ metric: p99 }",
    );
    expect(c.metrics.map((m) => [m.name, m.unit, m.direction, m.margin, m.floor, m.critical, m.weight])).toEqual([
      ["checkout-p99 (steady)", "duration", "increase", 0.1, 1, false, 1],
      ["errors (steady)", "share", "either", 0.1, 0.01, false, 1],
      ["probe health p99 (faults)", "duration", "increase", 0.1, 1, true, 1],
      ["journey checkout mean (steady)", "duration", "increase", 0.2, 1, false, 1],
      ["cpu api (steady)", "cpu", "increase", 0.1, 150, false, 1],
      ["memory api (steady)", "bytes", "increase", 0.1, 64 * 2 ** 20, false, 2],
      ["p99 (steady)", "duration", "increase", 0.1, 0, false, 1],
    ]);
    expect(c.metrics[0]!.source).toEqual({ kind: "query", name: "checkout-p99", query: P99, scale: 1000, stepMs: null });
    expect(c.metrics[2]!.source).toEqual({ kind: "probe", probe: "health", stat: "p99" });
    expect(c.metrics[4]!.source).toEqual({ kind: "resource", resource: "cpu", target: "api" });
  });

  it("evaluates each query name once, in both phases alike", () => {
    const c = config(P99_ROW, `{ name: checkout-p99, query: '${P99}', unit: duration, scale: 1000, phase: faults }`, "{ name: rps, query: 'sum(rate(r[10s]))', unit: rate, step: 2s }");
    expect(judgeQueries(c).map((q) => [q.name, q.stepMs])).toEqual([
      ["checkout-p99", null],
      ["rps", 2_000],
    ]);
  });

  it("reports every mistake of the new forms, located, with the valid keys and choices", () => {
    expect(judgeFileErrors("judge-any.yaml")).toEqual([
      "test/invalid/judge-any.yaml:2:5: metrics[0]: gives query and probe: give exactly one of the keys that say what to compare (valid: metric, query, probe, journey, resource)",
      "test/invalid/judge-any.yaml:3:5: metrics[1]: says nothing to compare: give exactly one of the keys that do, did you mean `metric`? (valid: metric, query, probe, journey, resource)",
      "test/invalid/judge-any.yaml:4:13: metrics[2].name: must be letters a-z, digits, _ and -, starting with a letter (≤ 63 characters)",
      'test/invalid/judge-any.yaml:4:46: metrics[2].unit: "seconds" is not allowed (valid: duration, rate, share, number, bytes)',
      'test/invalid/judge-any.yaml:4:61: metrics[2].step: "fast" is not a duration like 250ms, 5s, 2m or 1h',
      "test/invalid/judge-any.yaml:5:5: metrics[3].name: is required",
      "test/invalid/judge-any.yaml:5:55: metrics[3].scale: must be > 0",
      "test/invalid/judge-any.yaml:7:28: metrics[5].query: errors already names another query or step (in errors (steady)): one name, one query",
      'test/invalid/judge-any.yaml:8:28: metrics[6].stat: "p42" is not allowed (valid: p50, p90, p95, p99, max, mean)',
      'test/invalid/judge-any.yaml:8:33: metrics[6].scale: unknown key "scale" (valid: probe, stat, phase, direction, margin, floor, critical, weight, group)',
      'test/invalid/judge-any.yaml:9:44: metrics[7].floor: "5%" is not a duration like "2ms" or "1.5s"',
      'test/invalid/judge-any.yaml:10:17: metrics[8].resource: "disk" is not allowed (valid: cpu, memory)',
      'test/invalid/judge-any.yaml:11:42: metrics[9].floor: "lots" is not a share of one core like "5%" (or 5)',
      "test/invalid/judge-any.yaml:12:33: metrics[10].target: must be lowercase letters, digits and dashes, starting with a letter (≤ 31 chars)",
      "test/invalid/judge-any.yaml:13:45: metrics[11].floor: 1.5 is not a size like 512B, 64KB, 1.5MB (decimal), 64MiB or 64m (binary), or a whole number of bytes",
    ]);
  });

  it("run --ab refuses, before anything starts, a judge whose queries have no Prometheus or whose names the scenario lacks", () => {
    const s = loadScenario(join(import.meta.dirname, "..", "scenarios", "ab-latency.yaml"));
    const c = config(P99_ROW, "{ probe: health, stat: p99 }", "{ journey: checkout, stat: p99 }", "{ resource: cpu, target: db }", "{ resource: memory, target: api }");
    expect(() => requireJudgeSources(s, c)).toThrow(
      new UsageError(
        [
          `${s.file}: the judge compares what this scenario cannot give:`,
          "  checkout-p99 (steady) is a Prometheus query and the scenario has no Prometheus to ask: give it detection.prometheus (the run's own, or the url of yours)",
          "  probe health p99 (steady): the scenario has no probe health (valid: none)",
          "  journey checkout p99 (steady): the scenario has no journey checkout (valid: none)",
          "  cpu db (steady): the scenario has no target db (valid: api)",
        ].join("\n"),
      ),
    );
    // With the run's own Prometheus, each trial evaluates the query at the hypothesis window (1s) unless it gives a step.
    const watched = { ...s, detection: { prometheus: { mode: "local" as const, rules: [], scrapeIntervalMs: 1_000, evaluationIntervalMs: 1_000 }, expect: [], quietBefore: false, settleMs: 0, detectors: [], ruleAlerts: [] } };
    expect(() => requireJudgeSources(watched, config(P99_ROW))).not.toThrow();
    expect(trialQueries(watched, config(P99_ROW))).toEqual([{ name: "checkout-p99", query: P99, stepMs: 1_000 }]);
  });
});
