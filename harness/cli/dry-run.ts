// `steadystate run --dry-run`: the resolved plan (targets, load, stop conditions, probes, journeys, the
// hypothesis, checks, detection, heal rules, objectives, and every injection with its time, victims and undo)
// printed without connecting to Docker or touching anything.
import { checkKindSpecs, type CheckKindName } from "../specs/checks/registry.ts";
import type { DetectionSpec } from "../specs/detect/scenario.ts";
import { describeHypothesis } from "../specs/hypothesis.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { formatDuration } from "../contracts/units.ts";
import { planFaults } from "../run/schedule.ts";
import { table } from "../../reports/text-table.ts";

function targetLine(s: Scenario, name: string): string {
  const t = s.targets[name]!;
  if (t.url !== undefined) return `${name}: url ${t.url} (load and probes only)`;
  if (t.container !== undefined) return `${name}: container ${t.container} (not owned by the run: left as found)`;
  const source = t.build !== undefined ? `build ${t.build}` : `image ${t.image}`;
  return `${name}: ${source}, ${t.replicas} replica(s), restart ${t.restart}, port ${t.port}`;
}

/** Victim names as the run will call them: `api-0` (ss-<runId>-api-0) or the named container. */
function victimName(s: Scenario, target: string, index: number): string {
  return s.targets[target]!.container ?? `${target}-${index}`;
}

export function renderDryRun(s: Scenario): string {
  const plan = planFaults(s);
  const out = [
    `${s.name}: dry run (nothing started, nothing touched)`,
    "",
    "targets:",
    ...Object.keys(s.targets).map((n) => `  ${targetLine(s, n)}`),
    `load: ${describeLoad(s.load)}`,
    `abortWhen: ${s.abortWhen.length ? s.abortWhen.map((c) => c.text).join("; ") : "none"}`,
    ...listed("probes", s.probes.map((p) => `${p.name}: GET ${p.path} on ${p.target} every ${formatDuration(p.everyMs)}, timeout ${formatDuration(p.timeoutMs)}`)),
    ...listed("journeys", s.journeys.map(journeyLine)),
    `steadyState: ${[...describeHypothesis(s.steadyState), `in ${formatDuration(s.steadyState.windowMs)} windows`].join(", ")}; recovered after ${formatDuration(s.steadyState.stableForMs)} of it`,
    ...listed("checks", s.checks.map((c) => `checks[${c.index}]: ${checkKindSpecs[c.kind as CheckKindName].describe(c as never)}`)),
    ...detectionLines(s.detection),
    ...listed("heal", s.heal.map((h) => h.description)),
    `slo: ${s.slo.length ? s.slo.map((o) => o.text).join("; ") : "none"}`,
  ];
  if (plan.length) {
    out.push(
      "",
      table(
        ["at", "until", "fault", "victims", "what", "undo"],
        plan.map((p) => [
          `+${formatDuration(p.atMs)}`,
          p.spec.durationMs === undefined ? "(instant)" : `+${formatDuration(p.atMs + p.spec.durationMs)}`,
          p.id,
          p.victims.map((i) => victimName(s, p.spec.target, i)).join(", "),
          p.description,
          p.kind.revert(p.spec),
        ]),
      ),
    );
  } else out.push("", "no faults");
  return out.join("\n") + "\n";
}

function listed(title: string, lines: string[]): string[] {
  return lines.length ? [`${title}:`, ...lines.map((l) => `  ${l}`)] : [`${title}: none`];
}

function detectionLines(d: DetectionSpec | null): string[] {
  if (!d) return ["detection: none"];
  const p = d.prometheus;
  const prometheus = !p
    ? []
    : p.mode === "local"
      ? [`prometheus: started for the run with ${p.rules.join(", ")} (scrape ${formatDuration(p.scrapeIntervalMs)}, evaluation ${formatDuration(p.evaluationIntervalMs)})`]
      : [`prometheus: yours, ${[p.url, p.alertmanagerUrl].filter(Boolean).join(" and ")} read every ${formatDuration(p.pollIntervalMs)}`];
  const expectations = d.expect.map((e) => `expect ${e.alert} within ${formatDuration(e.withinMs)} of ${e.for === "any" ? "each fault" : `each ${e.for}`}`);
  return [
    "detection:",
    ...[...prometheus, ...expectations, ...(d.quietBefore ? ["no alert before the first fault"] : []), ...d.detectors.map((x) => `${x.name}: ${x.description}, every ${formatDuration(x.everyMs)}`)].map(
      (l) => `  ${l}`,
    ),
  ];
}

function journeyLine(j: Scenario["journeys"][number]): string {
  const what = j.steps ? `${j.steps.length} step(s)` : `script ${j.script}`;
  const hypothesis = j.hypothesis ? "" : ", not in the hypothesis";
  return `${j.name}: ${what}, ${j.browsers} browser(s) every ${formatDuration(j.everyMs)}, timeout ${formatDuration(j.timeoutMs)}${hypothesis}`;
}

function describeLoad(load: Scenario["load"]): string {
  const shape = [
    `${formatDuration(load.durationMs)}${load.warmupMs ? ` after ${formatDuration(load.warmupMs)} of warm-up` : ""}`,
    load.model === "script" ? `k6 script ${load.script}` : `${load.engine}, ${load.model} model`,
    ...(load.connections ? [`${load.connections} connection(s)`] : []),
    ...(load.rate ? [`${load.rate} req/s`] : []),
    ...(load.stages.length ? [`stages ${load.stages.map((st) => `${formatDuration(st.durationMs)}→${st.rate}/s`).join(", ")}`] : []),
  ];
  const mix = load.requests.map((r) => `${r.method} ${r.path} on ${r.target}${load.requests.length > 1 ? ` (weight ${r.weight})` : ""}`);
  return [...shape, ...mix].join("; ");
}
