// JUnit XML (junit.xml) for CI test views: one testsuite per run (per trial), one testcase per SLO
// objective, per expected alert and per fault recovery; a failure carries measured against goal. A run that
// ended early has one testcase for that (an error when interrupted, a failure when a stop condition held);
// what it left unjudged is skipped, never failed. Built with junit-report-builder (Jenkins' schema), which
// escapes text and drops characters XML cannot hold.
import junitModule from "junit-report-builder";
import type { Builder, TestCase, TestSuite } from "junit-report-builder";
import type { Journal, NotJudged, SloResult } from "../harness/contracts/journal.ts";
import { goalText, measuredText, ms, mttrText, notJudgedText, offset, verdictWord } from "./format.ts";
import { formulaRows } from "./formulas.ts";
import type { Reporter } from "./reporter.ts";

// A CommonJS package whose `exports.default` is the builder: Node's ESM loader hands over the exports object,
// bundlers (vitest) the default itself.
export const junit: Builder = (junitModule as unknown as { default?: Builder }).default ?? (junitModule as unknown as Builder);

const seconds = (ms: number | null | undefined) => (ms ? ms / 1_000 : 0);

/** Skipped, saying why: JUnit's <skipped/> carries no text, so a property does. */
function notJudged(c: TestCase, cause: NotJudged): void {
  c.skipped().property("result", notJudgedText(cause));
}

export function sloCase(suite: TestSuite, r: SloResult): void {
  const c = suite.testCase().className("slo").name(r.objective).time(0);
  if (r.notJudged) notJudged(c, r.notJudged);
  else if (!r.pass) c.failure(`measured ${measuredText(r)}, goal ${goalText(r)}`, "slo");
}

/** Adds one run's testsuite; `name` defaults to the scenario's. */
export function addRunSuite(builder: Builder, j: Journal, name = j.scenario.name): void {
  const suite = builder
    .testSuite()
    .name(name)
    .timestamp(new Date(j.startedAt))
    .time(seconds(j.endedAt - j.startedAt))
    .property("runId", j.runId)
    .property("verdict", verdictWord(j))
    .property("scenario", j.scenario.file);
  for (const [quantity, formula, value] of formulaRows([j])) suite.property(`formula ${quantity}`, `${formula} → ${value}`);
  for (const [what, file] of Object.entries(j.files)) if (what.startsWith("log ")) suite.property(what, file);

  if (j.verdict === "error" || j.verdict === "interrupted") {
    const c = suite.testCase().className("run").name("run completes").time(seconds(j.endedAt - j.startedAt));
    // Everything in attributes (escaped), nothing in CDATA: CI pages render the body as it stands.
    c.error(`${j.reasons.join("; ") || verdictWord(j)}${j.error?.fix ? `; fix: ${j.error.fix}` : ""}`, j.verdict);
  } else if (j.abort) {
    // The stop condition is the system's failure; the faults it cut short are not judged below.
    const c = suite.testCase().className("run").name("run completes").time(seconds(j.endedAt - j.startedAt));
    c.failure(`stopped early: abortWhen "${j.abort.condition}" held at ${offset(j, j.abort.at)}`, "abort");
  }
  for (const r of j.slo) sloCase(suite, r);
  for (const e of j.detection?.expectations ?? []) {
    const c = suite.testCase().className("alerts").name(`${e.alert} fires after ${e.fault} within ${ms(e.withinMs)}`).time(0);
    if (e.notJudged) notJudged(c, e.notJudged);
    else if (!e.met) c.failure(e.firedAt !== null ? `measured ${ms(e.delayMs)} (fired at ${offset(j, e.firedAt)}), goal: within ${ms(e.withinMs)}` : `never fired, goal: within ${ms(e.withinMs)}`, "alert");
  }
  for (const f of j.faults) {
    const c = suite.testCase().className("recovery").name(`${f.id} ${f.description} recovers`).time(seconds(f.mttrMs));
    if (f.error) c.error(`not injected: ${f.error}`, "inject");
    else if (f.injectedAt === null) c.skipped();
    else if (f.notJudged) notJudged(c, f.notJudged);
    else if (!f.recovered) c.failure(`measured ${mttrText(f)}, goal: the steady-state hypothesis holds for ${j.hypothesis.stableForMs}ms before the load ends`, "recovery");
  }
}

export function renderJUnit(j: Journal): string {
  const builder = junit.newBuilder().name(j.scenario.name);
  addRunSuite(builder, j);
  return builder.build() + "\n";
}

export const junitReporter: Reporter = { format: "junit", file: "junit.xml", render: renderJUnit };
