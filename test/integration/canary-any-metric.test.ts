// Any metric in the canary judge, against a real Prometheus: the query_range fetcher on the answers the judge
// must read (one series, several, none, NaN, a PromQL error), then one short A/A `run --ab` whose trials
// evaluate the judge's queries with the run's own Prometheus before their teardown, and compare them with a
// probe's latency and a target's memory.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertLog } from "../../harness/detect/alert-log.ts";
import { startLocalStack, type LocalStack } from "../../harness/detect/prometheus.ts";
import { queryRange } from "../../harness/detect/query-range.ts";
import { startWebhook, type WebhookReceiver } from "../../harness/detect/webhook.ts";
import { Teardown } from "../../harness/contracts/teardown.ts";
import type { Comparison } from "../../reports/canary.ts";
import { readJournal, ROOT, runCli, runProcesses, tempDir } from "./helpers.ts";

describe("query_range on a real Prometheus", () => {
  const teardown = new Teardown();
  let stack: LocalStack;
  let webhook: WebhookReceiver;
  beforeAll(async () => {
    webhook = await startWebhook(new AlertLog());
    stack = await startLocalStack(
      { runId: "test-query-range", runDir: tempDir("query-range"), teardown, signal: new AbortController().signal },
      { rules: [], scrapeIntervalMs: 1_000, evaluationIntervalMs: 1_000, sli: "127.0.0.1:9", webhookUrl: webhook.url, targets: [] },
    );
  });
  afterAll(async () => {
    await teardown.unwind();
    await webhook.close();
  });

  // Expressions without stored data: Prometheus evaluates them at every step of any range.
  const load = { start: Date.now() - 10_000, end: Date.now() };
  const ask = (query: string) => queryRange(stack.prometheusUrl, { name: "q", query, stepMs: 1_000 }, load);

  it("returns one point per step of the load for one series, and counts series, NaN and errors as they come", async () => {
    const one = await ask("vector(5)");
    expect(one).toMatchObject({ query: "vector(5)", stepMs: 1_000, series: 1, nonFinite: 0 });
    expect(one.points.map(([at]) => at)).toEqual(Array.from({ length: 10 }, (_, k) => Math.round(load.start + (k + 1) * 1_000)));
    expect(one.points.every(([, v]) => v === 5)).toBe(true);
    expect(await ask('label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")')).toMatchObject({ series: 2, points: [] });
    expect(await ask("vector(1) > 2")).toMatchObject({ series: 0, points: [] });
    expect(await ask("vector(0) / 0")).toMatchObject({ series: 1, points: [], nonFinite: 10 });
    const bad = await ask("sum(");
    expect(bad).toMatchObject({ series: 0, points: [] });
    expect(bad.error).toMatch(/^Prometheus: bad_data: .*parse error/);
    expect((await queryRange("http://127.0.0.1:9", { name: "q", query: "up", stepMs: 1_000 }, load)).error).toMatch(/^POST http:\/\/127\.0\.0\.1:9\/api\/v1\/query_range: fetch failed/);
  });
});

describe("run --ab with any metric (real containers, the run's own Prometheus)", () => {
  it("evaluates the judge's queries in each trial before its teardown and compares them with a probe's latency and the api's memory", async () => {
    const dir = tempDir("ab-any-metric");
    const scenario = join(dir, "s.yaml");
    writeFileSync(
      scenario,
      [
        "version: 1",
        "name: ab-any-metric",
        "targets:",
        `  api: { build: ${join(ROOT, "fixtures", "api")}, port: 8080, health: { path: /healthz } }`,
        "load: { target: api, path: /work, connections: 4, rate: 50, duration: 4s, timeout: 1s }",
        "probes:",
        "  - { name: health, target: api, path: /healthz, every: 100ms, timeout: 500ms }",
        'steadyState: { errorRate: "< 5%", window: 1s, stableFor: 1s }',
        "detection:",
        "  prometheus: {}",
        "variants: { baseline: {}, canary: {} }",
        "",
      ].join("\n"),
    );
    const judgeFile = join(dir, "judge.yaml");
    writeFileSync(
      judgeFile,
      [
        "metrics:",
        `  - { name: load-rate, query: 'sum(rate(steadystate_requests_total{source="load"}[2s]))', unit: rate, direction: decrease }`,
        `  - { name: two, query: 'label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")', unit: number }`,
        "  - { probe: health, stat: p50 }",
        "  - { resource: memory, target: api }",
        "",
      ].join("\n"),
    );
    const out = join(dir, "out");
    const r = await runCli(["run", scenario, "--ab", "--repeat", "1", "--config", judgeFile, "--out", out, "--no-progress"]);
    expect(r.stderr).not.toMatch(/internal error/);
    // One trial a side: some metric may lack the samples to decide (4), an A/A pair is not expected to fail.
    expect([0, 1, 4], r.stdout + r.stderr).toContain(r.code);
    for (const side of ["baseline", "canary"]) {
      const j = readJournal(join(out, side, "trial-1"));
      expect(Object.keys(j.queries ?? {})).toEqual(["load-rate", "two"]);
      const rate = j.queries!["load-rate"]!;
      // A point a second from +1 s to the end of the 4 s load, each about the load's 50/s.
      expect(rate).toMatchObject({ stepMs: 1_000, series: 1 });
      expect(rate.points.length).toBeGreaterThanOrEqual(3);
      expect(rate.points.every(([at, v]) => at > j.loadStartedAt! && at <= j.loadEndedAt! && v > 10 && v < 100)).toBe(true);
      expect(j.queries!.two).toMatchObject({ series: 2, points: [] });
      expect(runProcesses(j.runId)).toEqual([]);
    }
    const c = JSON.parse(readFileSync(join(out, "compare.json"), "utf8")) as Comparison;
    const row = (name: string) => c.judgement.metrics.find((m) => m.name === name)!;
    expect(row("load-rate (steady)")).toMatchObject({ unit: "rate", counted: true });
    expect(row("load-rate (steady)").baseline.n).toBeGreaterThanOrEqual(3);
    expect(row("two (steady)")).toMatchObject({ classification: "nodata", reason: `the query returned 2 series in ${join(out, "baseline", "trial-1", "journal.json")}; aggregate it to one (sum, avg or max … by ())` });
    expect(row("probe health p50 (steady)")).toMatchObject({ unit: "duration", counted: true });
    expect(row("memory api (steady)")).toMatchObject({ unit: "bytes", counted: true });
    expect(row("memory api (steady)").baseline.n).toBeGreaterThanOrEqual(2);
  });
});
