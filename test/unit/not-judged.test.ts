// A run that ended early (interrupted, or aborted by a stop condition) is not a failed system: what it cut
// short is "not judged" in the journal and in every report, never "never recovered", "not verified" or a
// JUnit failure.
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { renderSummary } from "../../harness/cli/summary.ts";
import { scheduledFault, type AckedWritesRecord, type FaultRecord, type Journal } from "../../harness/contracts/journal.ts";
import { Recorder } from "../../harness/metrics/recorder.ts";
import type { Trip } from "../../harness/metrics/stop-condition.ts";
import { markNotJudged } from "../../harness/run/not-judged.ts";
import { buildJournal } from "../../harness/run/verdict.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import { evaluateSlos } from "../../harness/slo/evaluate.ts";
import { aggregateTrials } from "../../harness/trials/aggregate.ts";
import { renderHtml } from "../../reports/html/run-page.ts";
import { renderJUnit } from "../../reports/junit.ts";
import { renderMarkdown } from "../../reports/markdown.ts";
import { makeJournal } from "../fixtures/journal.ts";

const T0 = 1_700_000_000_000;
const root = join(import.meta.dirname, "..", "..");
const scenario = parseScenario(
  `
version: 1
name: cut-short
targets:
  api: { build: ../fixtures/api, port: 8080 }
load: { target: api, path: /work, rate: 100, duration: 10s }
steadyState: { errorRate: "< 1%", window: 1s, stableFor: 2s }
checks:
  - { kind: acked-writes, target: api, path: /kv, rate: 10 }
faults:
  - { kind: pause, target: api, at: 1s, duration: 1s }
  - { kind: pause, target: api, at: 4s, duration: 3s }
slo:
  - mttr < 5s
`,
  join(root, "scenarios", "cut-short.yaml"),
);

/** Requests fail while either pause holds (1–2 s, 4 s on); the load stopped at 6 s, before the second recovered. */
function recorder(): Recorder {
  const rec = new Recorder(T0, { windowMs: 1_000 });
  rec.addSource("load");
  const paused = (t: number) => (t >= T0 + 1_000 && t < T0 + 2_000) || t >= T0 + 4_000;
  for (let t = T0; t < T0 + 6_000; t += 10) rec.record("load", t, !paused(t), 5, paused(t) ? "timeout" : undefined);
  rec.close(T0 + 6_000);
  return rec;
}

const fault = (index: number, atMs: number, restoredAt: number): FaultRecord => ({
  ...scheduledFault({ id: `faults[${index}]`, kind: "pause", target: "api", description: `pause api for ${index ? 3_000 : 1_000}ms`, victims: ["ss-r-api-0"], atMs, durationMs: index ? 3_000 : 1_000 }),
  injectedAt: T0 + atMs,
  restoredAt,
  undoMs: 20,
});

/** Written during the load, never read back: the run ended before the read-back. */
const unreadCheck = (): AckedWritesRecord => ({
  id: "checks[0]",
  kind: "acked-writes",
  target: "api",
  description: "acknowledged writes to api /kv survive",
  path: "/kv",
  rate: 10,
  writes: { attempted: 60, acked: 52, notAcked: 8, notAckedBy: { timeout: 8 } },
  verify: null,
  lost: null,
  unackedPresent: null,
  lostKeys: [],
});

function endedEarly(how: { interrupted?: string; stopped?: Trip }): Journal {
  return buildJournal({
    scenario,
    runId: "r",
    startedAt: T0 - 1_000,
    endedAt: T0 + 7_600,
    loadStartedAt: T0,
    loadEndedAt: T0 + 6_000,
    recorder: recorder(),
    faults: [fault(0, 1_000, T0 + 2_000), fault(1, 4_000, T0 + 6_010)],
    checks: [unreadCheck()],
    targets: undefined,
    events: [],
    undoFailures: [],
    error: undefined,
    interrupted: how.interrupted,
    stopped: how.stopped,
  });
}

const trip: Trip = { condition: "error_rate > 50% for 1s", measured: 1, measuredText: "100%", at: T0 + 5_000 };
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "testcase" });
/** Every testcase of the single testsuite. */
const testcases = (xml: string): Record<string, any>[] => parser.parse(xml).testsuites.testsuite.testcase;
const count = (xml: string, element: string) => testcases(xml).filter((c) => element in c).length;

describe("an interrupted run", () => {
  const j = endedEarly({ interrupted: "SIGINT" });

  it("journals the fault that had not recovered and the unread check as not judged, the recovered fault as measured", () => {
    expect(j.verdict).toBe("interrupted");
    expect(j.reasons).toEqual(["interrupted by SIGINT; faults were undone and targets removed"]);
    expect(j.faults.map((f) => [f.recovered, f.mttrMs, f.notJudged])).toEqual([
      [true, 1_000, undefined],
      [false, null, "interrupted"],
    ]);
    expect(j.checks[0]!.notJudged).toBe("interrupted");
  });

  it("markdown says not judged (interrupted), never 'never recovered' or 'not verified'", () => {
    const md = renderMarkdown(j);
    expect(md).toContain("| faults[1]: pause api for 3000ms | ss-r-api-0 | +4.000s | +6.010s | +4.000s | — | 2s | not judged (interrupted) |");
    expect(md).toContain("| acknowledged writes to api /kv survive | 60 (52 acknowledged) | not judged (interrupted) |");
    expect(md).toContain("| MTTR | recovered − injected, per fault (1 not judged: the run ended early) | count 1, median 1s, p90 1s |");
    expect(md).not.toContain("never recovered");
    expect(md).not.toContain("not verified");
  });

  it("junit has one error for the interruption and no failure; the cut-short fault is skipped, saying why", () => {
    const xml = renderJUnit(j);
    expect(count(xml, "error")).toBe(1);
    expect(count(xml, "failure")).toBe(0);
    const cases = testcases(xml);
    expect(cases[0]).toMatchObject({ classname: "run", name: "run completes", error: { message: "interrupted by SIGINT; faults were undone and targets removed", type: "interrupted" } });
    expect(cases.find((c) => c.name === "faults[1] pause api for 3000ms recovers")).toMatchObject({
      skipped: "",
      properties: { property: { name: "result", value: "not judged (interrupted)" } },
    });
    expect(cases.find((c) => c.name === "faults[0] pause api for 1000ms recovers")).not.toHaveProperty("skipped");
  });

  it("html and the CLI summary say not judged (interrupted)", () => {
    const html = renderHtml(j);
    expect(html).toContain("<td>not judged (interrupted)</td>");
    expect(html).not.toContain("never recovered");
    expect(html).not.toContain("not verified");
    const summary = renderSummary(j, "/tmp/r");
    expect(summary).toMatch(/pause api for 3000ms\s+\+4\.000s\s+\+4\.000s\s+—\s+not judged \(interrupted\)/);
    expect(summary).toMatch(/acknowledged writes to api \/kv survive\s+not judged \(interrupted\)/);
    expect(summary).not.toContain("never recovered");
  });
});

describe("a run aborted by a stop condition", () => {
  const j = endedEarly({ stopped: trip });

  it("fails on the stop condition alone: the fault it cut short is not judged, and the MTTR objective leaves it out, saying so", () => {
    expect(j.verdict).toBe("fail");
    expect(j.reasons).toEqual(['stopped early: abortWhen "error_rate > 50% for 1s" held (measured 100%); every fault was undone']);
    expect(j.faults.map((f) => f.notJudged)).toEqual([undefined, "aborted"]);
    expect(j.slo).toEqual([
      { objective: "mttr < 5s", metric: "mttr", op: "<", goal: 5_000, measured: 1_000, unit: "duration", pass: true, excluded: "1 fault not judged (aborted)" },
    ]);
    expect(renderMarkdown(j)).toContain("| mttr | &lt; 5s | 1s, excluding 1 fault not judged (aborted) | ✅ pass |");
  });

  it("junit has one failure for the stop condition, none for the fault it cut short", () => {
    const xml = renderJUnit(j);
    expect(count(xml, "error")).toBe(0);
    expect(count(xml, "failure")).toBe(1);
    expect(testcases(xml)[0]).toMatchObject({ classname: "run", name: "run completes", failure: { message: 'stopped early: abortWhen "error_rate > 50% for 1s" held at +5.000s', type: "abort" } });
  });
});

describe("objectives over faults that were all cut short", () => {
  const cut = makeJournal({ faults: [{ kind: "crash", atMs: 5_000, outageMs: null }] });
  cut.faults[0]!.notJudged = "interrupted";
  const mttr = { text: "mttr < 6s", metric: "mttr", op: "<", value: 6_000, unit: "duration" } as const;

  it("are not judged, rather than never met", () => {
    const [r] = evaluateSlos([mttr], cut);
    expect(r).toEqual({ objective: "mttr < 6s", metric: "mttr", op: "<", goal: 6_000, measured: null, unit: "duration", pass: false, excluded: "1 fault not judged (interrupted)", notJudged: "interrupted" });
    const xml = renderJUnit({ ...cut, slo: [r!] });
    expect(testcases(xml).find((c) => c.classname === "slo")).toMatchObject({ skipped: "", properties: { property: { name: "result", value: "not judged (interrupted)" } } });
  });

  it("leave the trial out of the MTTR distribution instead of counting it as never", () => {
    const done = makeJournal({ seed: 2, faults: [{ kind: "crash", atMs: 5_000, outageMs: 1_500 }] });
    const a = aggregateTrials([{ dir: "trial-1", journal: cut }, { dir: "trial-2", journal: done }], [{ ...mttr, text: "mttr.max < 6s", metric: "mttr.max" }]);
    expect(a.faults[0]!.mttrMs).toMatchObject({ count: 1, never: 0, max: 1_500 });
    expect(a.slo[0]).toMatchObject({ measured: 1_500, pass: true, excluded: "1 fault not judged (interrupted)" });
  });
});

describe("expected alerts of a run that ended early", () => {
  // 12 s of load: the crash at +5 s had 7 s of its window; HighLatency had 15 s to fire, ApiDown fired.
  const j = makeJournal({ seconds: 12, extras: true, faults: [{ kind: "crash", atMs: 5_000, outageMs: null }] });
  markNotJudged(j, "interrupted");

  it("one whose time had not run out is not judged; one that fired stays met", () => {
    expect(j.detection!.expectations.map((e) => [e.alert, e.met, e.notJudged])).toEqual([
      ["ApiDown", true, undefined],
      ["HighLatency", false, "interrupted"],
    ]);
    expect(renderMarkdown(j)).toContain("| HighLatency | f1 | 15s | never | not judged (interrupted) |");
    const xml = renderJUnit(j);
    expect(testcases(xml).find((c) => c.name === "HighLatency fires after f1 within 15s")).toMatchObject({ skipped: "", properties: { property: { name: "result", value: "not judged (interrupted)" } } });
  });

  it("one whose time ran out before the end is still missed", () => {
    const late = makeJournal({ seconds: 30, extras: true, faults: [{ kind: "crash", atMs: 5_000, outageMs: null }] });
    markNotJudged(late, "interrupted");
    expect(late.detection!.expectations.map((e) => e.notJudged)).toEqual([undefined, undefined]);
    expect(renderMarkdown(late)).toContain("| HighLatency | f1 | 15s | never | ❌ missed |");
  });
});
