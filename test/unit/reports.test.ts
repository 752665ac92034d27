import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { parse as parseJUnit } from "junit2json";
import { describe, expect, it } from "vitest";
import { aggregateTrials } from "../../harness/trials/aggregate.ts";
import { seedFormulas } from "../../reports/formulas.ts";
import { renderHtml } from "../../reports/html/run-page.ts";
import { renderJUnit } from "../../reports/junit.ts";
import { renderMarkdown } from "../../reports/markdown.ts";
import { renderTrialsJUnit, renderTrialsMarkdown } from "../../reports/trials.ts";
import { appendStepSummary } from "../../reports/write.ts";
import { makeJournal } from "../fixtures/journal.ts";

const FAULTS = [
  { kind: "crash" as const, atMs: 8_000, outageMs: 1_600 },
  { kind: "pause" as const, atMs: 18_000, outageMs: 3_300, durationMs: 3_000 },
];
const HOSTILE = ` <script>alert("x")</script> & 'q' | \u001b[31m`;
const journal = makeJournal({ extras: true, faults: FAULTS });
const hostile = makeJournal({ extras: true, faults: FAULTS, text: HOSTILE });

/** Removes what changes between versions and runs, so snapshots compare only the shape and the numbers. */
const normalise = (text: string) => text.replace(/steadystate \d+\.\d+\.\d+/g, "steadystate X.Y.Z").replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+Z)?/g, "<time>");

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase", "property"].includes(name) });

/** The structure CI parsers (Jenkins, GitLab, GitHub test reporters) rely on. */
function checkJUnit(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml);
  const suites = doc.testsuites.testsuite as Record<string, any>[];
  let tests = 0;
  let failures = 0;
  for (const s of suites) {
    expect(typeof s.name).toBe("string");
    const cases = (s.testcase ?? []) as Record<string, any>[];
    expect(Number(s.tests)).toBe(cases.length);
    expect(Number(s.failures)).toBe(cases.filter((c) => c.failure !== undefined).length);
    expect(Number(s.errors)).toBe(cases.filter((c) => c.error !== undefined).length);
    for (const c of cases) {
      expect(c.classname).toMatch(/^(slo|alerts|recovery|run)$/);
      expect(Number.isFinite(Number(c.time))).toBe(true);
      if (c.failure !== undefined) expect(c.failure.message).toMatch(/^(measured |never fired|fired at )/);
    }
    tests += cases.length;
    failures += Number(s.failures);
  }
  expect(Number(doc.testsuites.tests)).toBe(tests);
  expect(Number(doc.testsuites.failures)).toBe(failures);
  return suites;
}

describe("Markdown report", () => {
  it("matches its snapshot (normalised)", async () => {
    await expect(normalise(renderMarkdown(journal))).toMatchFileSnapshot("__snapshots__/summary.md");
  });

  it("keeps table cells intact when text holds pipes and newlines", () => {
    const md = renderMarkdown(hostile);
    expect(md).toContain("\\|");
    const faultRow = md.split("\n").find((l) => l.startsWith("| f1: crash api"))!;
    expect(faultRow.split(/(?<!\\)\|/).length - 2).toBe(12);
  });

  it("of repeated trials escapes the scenario name and the reasons as the run's summary does", () => {
    const name = "<img src=x onerror=alert(1)>|pipe";
    const trials = [1, 2].map((seed) => ({ dir: `trial-${seed}`, journal: makeJournal({ seed, name, faults: [{ kind: "crash", atMs: 5_000, outageMs: null }], text: "\n<b>|" }) }));
    const a = aggregateTrials(trials, []);
    const md = renderTrialsMarkdown(a, trials.map((t) => t.journal));
    expect(md).not.toMatch(/<img|<b>/);
    expect(md.split("\n")[0]).toBe("# ❌ &lt;img src=x onerror=alert(1)>\\|pipe: FAIL over 2 trial(s)");
    expect(md).toContain("\n- trial 1: SLO missed: availability >= 95% (measured 16.67%); crash api (SIGKILL main process) never recovered &lt;b>\\|\n");
    // The same escaping as the single-run summary's title.
    expect(renderMarkdown(trials[0]!.journal).split("\n")[0]).toBe("# ❌ &lt;img src=x onerror=alert(1)>\\|pipe: FAIL");
  });

  it("is appended to $GITHUB_STEP_SUMMARY when it is set, and nowhere otherwise", () => {
    const file = join(mkdtempSync(join(tmpdir(), "steadystate-summary-")), "step.md");
    expect(appendStepSummary("# one\n", { GITHUB_STEP_SUMMARY: file })).toBe(file);
    appendStepSummary("# two", { GITHUB_STEP_SUMMARY: file });
    expect(readFileSync(file, "utf8")).toBe("# one\n\n# two\n\n");
    expect(appendStepSummary("# three", {})).toBeUndefined();
  });
});

describe("JUnit report", () => {
  it("matches its snapshot (normalised)", async () => {
    await expect(normalise(renderJUnit(journal))).toMatchFileSnapshot("__snapshots__/junit.xml");
  });

  it("has one testsuite per run and one testcase per objective, expected alert and fault recovery", () => {
    const [suite] = checkJUnit(renderJUnit(journal));
    const names = (suite!.testcase as Record<string, any>[]).map((c) => `${c.classname}: ${c.name}`);
    expect(names).toEqual([
      "slo: availability >= 95%",
      "slo: p99 < 800ms",
      "slo: mttr < 6s",
      "alerts: ApiDown fires after f1 within 10s",
      "alerts: HighLatency fires after f1 within 15s",
      "recovery: f1 crash api (SIGKILL main process) recovers",
      "recovery: f2 pause api for 3000ms recovers",
    ]);
  });

  it("carries measured against goal in failures, and loads in a CI parser (junit2json) with the same counts", async () => {
    const broken = makeJournal({ faults: [{ kind: "crash", atMs: 5_000, outageMs: null }] });
    const xml = renderJUnit(broken);
    checkJUnit(xml);
    expect(xml).toContain('<failure message="measured never, goal &lt; 6s" type="slo"/>');
    expect(xml).toContain('<failure message="measured never recovered, goal: the steady-state hypothesis holds for 2000ms before the load ends" type="recovery"/>');
    const parsed = (await parseJUnit(xml)) as { tests?: number; failures?: number; testsuite?: { testcase?: unknown[] }[] };
    expect(parsed.tests).toBe(4);
    expect(parsed.failures).toBe(3);
    expect(parsed.testsuite?.[0]?.testcase).toHaveLength(4);
  });

  it("reports an errored run as an error testcase with the fix", () => {
    const j = { ...makeJournal(), verdict: "error" as const, reasons: ["Docker is not reachable"], error: { message: "Docker is not reachable", fix: "start dockerd" }, slo: [] };
    const [suite] = checkJUnit(renderJUnit(j));
    expect(suite!.errors).toBe("1");
    expect((suite!.testcase as any[])[0].error).toMatchObject({ message: "Docker is not reachable; fix: start dockerd", type: "error" });
  });

  it("escapes text from scenarios and logs, and drops characters XML cannot hold", () => {
    const xml = renderJUnit(hostile);
    checkJUnit(xml);
    expect(xml).not.toContain("<script>");
    expect(xml).not.toContain("\u001b");
    const names = (parser.parse(xml).testsuites.testsuite[0].testcase as any[]).map((c) => c.name);
    expect(names).toContain(`f1 crash api (SIGKILL main process) <script>alert("x")</script> & 'q' | [31m recovers`);
  });

  it("has one testsuite per trial and one for objectives on trial statistics", () => {
    const trials = [1, 2, 3].map((seed) => ({ dir: `trial-${seed}`, journal: makeJournal({ seed, faults: FAULTS }) }));
    const a = aggregateTrials(trials, [{ text: "mttr.p90 < 5s", metric: "mttr.p90", op: "<", value: 5_000, unit: "duration" }]);
    const suites = checkJUnit(renderTrialsJUnit(a, trials.map((t) => t.journal)));
    expect(suites.map((s) => s.name)).toEqual(["fixture trial 1", "fixture trial 2", "fixture trial 3", "fixture over 3 trials"]);
    expect(suites[3]!.testcase).toEqual([{ classname: "slo", name: "mttr.p90 < 5s", time: "0" }]);
  });
});

describe("HTML report", () => {
  it("escapes every text from scenarios, targets and logs", () => {
    const html = renderHtml(hostile);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;");
  });

  it("is self-contained: no script, no external reference, a policy that forbids loading anything", () => {
    const html = renderHtml(journal);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html).toContain('<a href="./logs/api-0.log">logs/api-0.log</a>');
  });

  it("draws throughput, error rate, latency and container charts with fault bands and markers", () => {
    const html = renderHtml(journal);
    for (const id of ["throughput", "errors", "latency", "cpu", "memory"]) expect(html).toContain(`data-chart="${id}"`);
    const throughput = html.slice(html.indexOf('data-chart="throughput"'), html.indexOf("</svg>", html.indexOf('data-chart="throughput"')));
    expect(throughput.match(/class="fault-band"/g)).toHaveLength(2);
    expect(throughput).toMatch(/data-series="ok" data-points="60"/);
    expect(throughput.match(/class="marker detected"/g)).toHaveLength(2);
    expect(throughput.match(/class="marker recovered"/g)).toHaveLength(2);
  });

  it("links every log file relatively, never with a scheme", () => {
    const j = { ...journal, files: { ...journal.files, "log evil": "javascript:alert(1)", "log up": "../../etc/passwd" } };
    const html = renderHtml(j);
    expect(html).toContain('href="./javascript%3Aalert(1)"');
    expect(html).toContain('href="./etc/passwd"');
  });
});

describe("seed formulas", () => {
  it("computes A both ways, R = Π(1 − p_i) over the observed targets, P = 1 / T_proc, MTTD and MTTR distributions", () => {
    const f = seedFormulas([journal]);
    expect(f.availabilityTime).toEqual({ upMs: journal.hypothesis.windows.held * 1_000, totalMs: 30_000, value: journal.hypothesis.windows.held / 30 });
    expect(f.availabilityRequests).toEqual({ good: journal.metrics.requests.ok, total: 6_000, value: journal.metrics.requests.ok / 6_000 });
    expect(f.reliability.factors).toEqual([{ target: "api", p: 8 / 120, source: "probe health" }]);
    expect(f.reliability.value).toBeCloseTo(1 - 8 / 120, 12);
    expect(f.throughput.perWorker).toBeCloseTo(1_000 / journal.metrics.latencyMs.mean!, 9);
    expect(f.mttr).toEqual({ count: 2, never: 0, median: 2_450, p90: 3_130, min: 1_600, max: 3_300 });
    expect(f.mttd).toMatchObject({ count: 2, median: 1_400 });
  });

  it("takes p_i of a target without a probe from the load, and pools counts over trials", () => {
    const a = makeJournal({ seed: 1, errorRatio: 0.01 });
    a.metrics.probes = {};
    const b = makeJournal({ seed: 2, errorRatio: 0.03 });
    b.metrics.probes = {};
    const f = seedFormulas([a, b]);
    const failed = a.metrics.requests.failed + b.metrics.requests.failed;
    expect(f.reliability.factors).toEqual([{ target: "api", p: failed / 12_000, source: "load" }]);
    expect(f.availabilityRequests.total).toBe(12_000);
  });
});
