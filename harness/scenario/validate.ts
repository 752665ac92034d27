// From the parsed YAML (plain data) to a typed Scenario, collecting every problem at once. Each section is
// checked on its own so that one bad section does not hide the problems of the others; cross-references
// (targets, fault times) are checked on whatever parsed.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { missing, type HostCapabilities } from "../faults/capabilities.ts";
import type { CheckBase, CheckKind } from "../checks/check.ts";
import { checkKinds } from "../checks/registry.ts";
import type { CheckSpec } from "../checks/runner.ts";
import { faults as faultRegistry, faultKinds } from "../faults/registry.ts";
import type { FaultBase, FaultKind } from "../faults/fault.ts";
import { checkJourneys, journeySchema, type JourneySpec } from "../journeys/spec.ts";
import { loadEngines } from "../load/registry.ts";
import { resolveLoad, type LoadSpec } from "../load/spec.ts";
import type { HypothesisSpec } from "../metrics/hypothesis.ts";
import { parseObjective, type Objective } from "../slo/grammar.ts";
import { parseStopCondition, type StopCondition } from "../slo/stop-condition.ts";
import { sloUnits } from "../slo/metrics.ts";
import { reporters } from "../../reports/registry.ts";
import { quote, type Issue } from "./errors.ts";
import { name as nameSchema, obj } from "./fields.ts";
import { fromZod, type Path } from "./issues.ts";
import { splitKeys, type Section } from "./plugin.ts";
import {
  faultBaseShape,
  headerSchema,
  loadSchema,
  probeSchema,
  reportSchema,
  steadyStateSchema,
  targetSchema,
  type ProbeSpec,
  type TargetSpec,
} from "./schema.ts";
import { checkFaultTiming } from "./fault-timing.ts";
import { checkTargetSource } from "./target-source.ts";
import { formatDuration } from "./units.ts";
import { importCompose } from "../targets/compose.ts";
import { validateDetection, type DetectionSpec } from "../detect/scenario.ts";
import { maxReplicas, validateHeal, type HealRule } from "../heal/scenario.ts";

export interface Target extends Omit<TargetSpec, "port"> {
  name: string;
  /** Container port; for a url target, the URL's port. */
  port: number;
  /** Absolute build folder, when the target is built from a Dockerfile. */
  buildDir?: string;
  /** Replicas it may reach when the healer scales it (its balancer declares that many slots). */
  maxReplicas: number;
}

export type FaultSpec = FaultBase & Record<string, unknown> & { index: number };

export interface Scenario {
  version: 1;
  name: string;
  description?: string;
  /** Absolute path of the scenario file, and its folder (relative paths resolve from there). */
  file: string;
  dir: string;
  targets: Record<string, Target>;
  load: LoadSpec;
  probes: ProbeSpec[];
  journeys: JourneySpec[];
  steadyState: HypothesisSpec;
  faults: FaultSpec[];
  slo: Objective[];
  /** Stop conditions: when one holds, the run stops its faults and fails. */
  abortWhen: StopCondition[];
  report: { formats: string[] };
  /** Alerting and built-in detectors (null: no detection configured). */
  detection: DetectionSpec | null;
  heal: HealRule[];
  checks: CheckSpec[];
}

const BUCKET_MS = 100;

export function validateScenario(raw: unknown, file: string, dir: string): { scenario?: Scenario; issues: Issue[] } {
  const issues: Issue[] = [];
  const section = <S extends z.ZodType>(schema: S, value: unknown, path: Path, extraKeys: string[] = []) => {
    const r = schema.safeParse(value, { reportInput: true });
    if (r.success) return r.data as z.output<S>;
    issues.push(...fromZod(r.error, path, extraKeys));
    return undefined;
  };

  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { issues: [{ path: [], message: "a scenario is a YAML mapping with version, name, targets, load, …" }] };
  }
  const header = section(headerSchema, raw, []);
  const doc = raw as Record<string, unknown>;

  const field = (value: unknown, key: string) => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined);
  const targets: Record<string, Target> = {};
  const written = doc.targets && typeof doc.targets === "object" ? (doc.targets as Record<string, unknown>) : {};
  const { targets: rawTargets, imported, broken } = withCompose(written, dir, issues);
  for (const [key, value] of Object.entries(rawTargets)) {
    // A service of a Compose file is reported at `fromCompose` (its own mistakes were located in that file).
    const at: Path = imported.has(key) ? ["targets", "fromCompose", key] : ["targets", key];
    const named = nameSchema.safeParse(key);
    if (!named.success) issues.push({ path: at, message: `target name ${named.error.issues[0]!.message}`, atKey: true });
    if (field(value, "build") !== undefined && field(value, "image") !== undefined) {
      issues.push({ path: [...at, "image"], message: "give either build (a folder with a Dockerfile) or image (a local image), not both", atKey: true });
    }
    if (broken.has(key)) continue; // its mistakes are already reported in the Compose file
    const sourceIssues = value && typeof value === "object" ? checkTargetSource(value as Record<string, unknown>, key) : [];
    issues.push(...sourceIssues);
    const t = section(targetSchema, value, at);
    if (!t || sourceIssues.length) continue;
    const target: Target = { ...t, name: key, port: t.port ?? Number(new URL(t.url!).port || 80), maxReplicas: t.replicas };
    if (t.build !== undefined) {
      const buildDir = resolve(dir, t.build);
      if (!existsSync(buildDir) || !statSync(buildDir).isDirectory()) {
        issues.push({ path: [...at, "build"], message: `folder ${buildDir} does not exist` });
      } else if (!existsSync(join(buildDir, "Dockerfile"))) {
        issues.push({ path: [...at, "build"], message: `${buildDir} has no Dockerfile` });
      } else target.buildDir = buildDir;
    }
    targets[key] = target;
  }
  if (header && Object.keys(rawTargets).length === 0) issues.push({ path: ["targets"], message: "declare at least one target" });
  const targetNames = Object.keys(rawTargets);
  issues.push(...checkDependencies(targets, imported));
  const validTargetNames = targetNames.filter((t) => nameSchema.safeParse(t).success);
  const checkTarget = (value: unknown, path: Path) => {
    if (typeof value === "string" && !targetNames.includes(value)) {
      issues.push({ path, message: `unknown target ${quote(value)}`, valid: validTargetNames });
    }
  };

  // References are checked on the raw values, so they are reported even when their section has other errors.
  checkTarget(field(doc.load, "target"), ["load", "target"]);
  const rawRequests = field(doc.load, "requests");
  (Array.isArray(rawRequests) ? rawRequests : []).forEach((r, i) => checkTarget(field(r, "target"), ["load", "requests", i, "target"]));
  (Array.isArray(doc.probes) ? doc.probes : []).forEach((p, i) => checkTarget(field(p, "target"), ["probes", i, "target"]));
  (Array.isArray(doc.faults) ? doc.faults : []).forEach((f, i) => {
    checkTarget(field(f, "target"), ["faults", i, "target"]);
    checkTarget(field(f, "from"), ["faults", i, "from"]);
  });
  for (const [key, value] of Object.entries(rawTargets)) {
    const raw = field(value, "dependsOn");
    const deps: unknown[] = Array.isArray(raw) ? raw : [];
    deps.forEach((d, i) => {
      const path = imported.has(key) ? ["targets", "fromCompose", key, "dependsOn", i] : ["targets", key, "dependsOn", i];
      if (d === key) issues.push({ path, message: "a target cannot depend on itself" });
      else if (deps.indexOf(d) < i) issues.push({ path, message: `"${d}" is listed twice` });
      else checkTarget(d, path);
    });
  }
  (Array.isArray(doc.checks) ? doc.checks : []).forEach((c, i) => checkTarget(field(c, "target"), ["checks", i, "target"]));

  const loadInput = doc.load === undefined ? undefined : section(loadSchema, doc.load, ["load"]);
  let load: LoadSpec | undefined;
  if (loadInput) {
    const resolved = resolveLoad(loadInput, loadEngines, dir);
    issues.push(...resolved.issues);
    load = resolved.spec;
  }

  const probes: ProbeSpec[] = [];
  const seen = new Set<string>();
  (Array.isArray(doc.probes) ? doc.probes : []).forEach((value, i) => {
    const p = section(probeSchema, value, ["probes", i]);
    if (!p) return;
    if (seen.has(p.name)) issues.push({ path: ["probes", i, "name"], message: `probe name ${quote(p.name)} is used twice` });
    seen.add(p.name);
    probes.push(p);
  });

  const journeys: JourneySpec[] = [];
  (Array.isArray(doc.journeys) ? doc.journeys : []).forEach((value, i) => {
    const j = section(journeySchema, value, ["journeys", i]);
    if (j) journeys.push(j.script === undefined ? j : { ...j, script: resolve(dir, j.script) });
  });
  issues.push(...checkJourneys(doc.journeys, targetNames, dir));

  const hypothesis = section(steadyStateSchema, doc.steadyState ?? { errorRate: "< 1%" }, ["steadyState"]);
  if (hypothesis) {
    if (hypothesis.windowMs % BUCKET_MS !== 0) {
      issues.push({ path: ["steadyState", "window"], message: `must be a multiple of ${BUCKET_MS}ms` });
    }
    if (hypothesis.stableForMs < hypothesis.windowMs) {
      issues.push({ path: ["steadyState", "stableFor"], message: `must be at least window (${formatDuration(hypothesis.windowMs)})` });
    }
  }

  const faults: FaultSpec[] = [];
  (Array.isArray(doc.faults) ? doc.faults : []).forEach((value, i) => {
    const f = validateFault(value, ["faults", i], issues, section);
    if (!f) return;
    const t = targets[f.target];
    checkLink(f, targets, ["faults", i, "from"], issues);
    if (t && f.select?.count !== undefined && f.select.count > t.replicas) {
      issues.push({ path: ["faults", i, "select", "count"], message: `${f.select.count} is more than the ${t.replicas} replica(s) of ${f.target}` });
    }
    if (t?.url !== undefined) {
      issues.push({ path: ["faults", i, "target"], message: `${f.target} is a url target (load and probes only): faults need a container (build, image or container)` });
    }
    faults.push({ ...f, index: i });
  });
  if (load) issues.push(...checkFaultTiming(faults, faultRegistry, load.durationMs));

  const abortWhen: StopCondition[] = [];
  (Array.isArray(doc.abortWhen) ? doc.abortWhen : []).forEach((text, i) => {
    if (typeof text !== "string") return; // reported by the header schema
    const c = parseStopCondition(text);
    if (c.ok) abortWhen.push(c.value);
    else issues.push({ path: ["abortWhen", i], message: c.message, ...(c.valid ? { valid: c.valid } : {}) });
  });

  const slo: Objective[] = [];
  (Array.isArray(doc.slo) ? doc.slo : []).forEach((text, i) => {
    if (typeof text !== "string") return; // reported by the header schema
    const o = parseObjective(text, sloUnits);
    if (o.ok) slo.push(o.value);
    else issues.push({ path: ["slo", i], message: o.message, valid: o.valid });
  });

  const detection =
    doc.detection === undefined
      ? null
      : validateDetection(
          doc.detection,
          { dir, targetNames, probeNames: probes.map((p) => p.name), faults, loadDurationMs: load?.durationMs },
          issues,
          section,
        );
  // Heal rules name alerts and detectors: checked against them when the rule files are known.
  const triggers = detection === null ? [] : detection?.ruleAlerts ? [...detection.ruleAlerts, ...detection.detectors.map((d) => d.name)] : null;
  const heal = validateHeal(Array.isArray(doc.heal) ? doc.heal : [], { targets, triggers }, issues, section);
  for (const t of Object.values(targets)) t.maxReplicas = maxReplicas(t.name, t.replicas, heal);
  const burn = slo.findIndex((o) => o.metric === "error_budget_burn");
  if (burn >= 0 && !slo.some((o) => o.metric === "availability")) {
    issues.push({ path: ["slo", burn], message: "error_budget_burn is measured against the availability objective: add one (e.g. availability >= 99.5%)" });
  }
  const checks: CheckSpec[] = [];
  (Array.isArray(doc.checks) ? doc.checks : []).forEach((value, i) => {
    const c = validateCheck(value, ["checks", i], issues, section);
    if (c) checks.push({ ...c, index: i });
  });

  const report = section(reportSchema, doc.report ?? {}, ["report"]);
  report?.formats.forEach((f, i) => {
    if (!Object.hasOwn(reporters, f)) issues.push({ path: ["report", "formats", i], message: `unknown report format ${quote(f)}`, valid: Object.keys(reporters) });
  });

  if (issues.length || !header || !load || !hypothesis || !report || detection === undefined) return { issues };
  return {
    issues,
    scenario: {
      version: 1,
      name: header.name,
      ...(header.description ? { description: header.description } : {}),
      file,
      dir,
      targets,
      load,
      probes,
      journeys,
      steadyState: hypothesis,
      faults,
      slo,
      abortWhen,
      report,
      detection,
      heal,
      checks,
    },
  };
}

/** `from` names another target; on a proxy fault, one that depends on the target (its link has a proxy). */
function checkLink(f: FaultBase & Record<string, unknown>, targets: Record<string, Target>, path: Path, issues: Issue[]): void {
  if (typeof f.from !== "string" || !targets[f.from]) return;
  if (f.from === f.target) {
    issues.push({ path, message: "must name another target than target" });
    return;
  }
  const kind = (faultRegistry as Record<string, FaultKind<any>>)[f.kind]!;
  if (kind.proxy && !targets[f.from]!.dependsOn.includes(f.target)) {
    issues.push({
      path,
      message: `${f.from} does not depend on ${f.target}: add dependsOn: [${f.target}] to targets.${f.from} to put a fault proxy on that link`,
    });
  }
}

/** Faults this machine cannot inject: what is missing, and what to use instead. */
export function hostIssues(scenario: Scenario, host: HostCapabilities): Issue[] {
  return scenario.faults.flatMap((f) => {
    const kind = (faultRegistry as Record<string, FaultKind<any>>)[f.kind]!;
    const needs = typeof kind.needs === "function" ? kind.needs(f) : (kind.needs ?? []);
    const gaps = missing(needs, host);
    if (!gaps.length) return [];
    const what = gaps.map((g) => g.status.detail).join("; ");
    return [{ path: ["faults", f.index, "kind"], message: kind.instead ? `${what}: use ${kind.instead}` : what }];
  });
}

/** Expands `targets.fromCompose` into the Compose file's services; `imported` names them. */
function withCompose(written: Record<string, unknown>, dir: string, issues: Issue[]) {
  const targets: Record<string, unknown> = {};
  const imported = new Set<string>();
  const broken = new Set<string>();
  for (const [key, value] of Object.entries(written)) {
    if (key !== "fromCompose") {
      targets[key] = value;
      continue;
    }
    if (typeof value !== "string") {
      issues.push({ path: ["targets", "fromCompose"], message: "give the path of a Compose file, e.g. fromCompose: ./docker-compose.yml" });
      continue;
    }
    const compose = importCompose(resolve(dir, value));
    issues.push(...compose.issues);
    for (const name of compose.broken) broken.add(name);
    for (const [name, t] of Object.entries(compose.targets)) {
      if (name in written) issues.push({ path: ["targets", name], message: `"${name}" is also a service of ${value}`, atKey: true });
      else {
        targets[name] = t;
        imported.add(name);
      }
    }
  }
  return { targets, imported, broken };
}

/** dependsOn never loops back (unknown names and self-dependencies are reported with the raw values). */
function checkDependencies(targets: Record<string, Target>, imported: Set<string>): Issue[] {
  const issues: Issue[] = [];
  const names = Object.keys(targets);
  const at = (name: string): Path => (imported.has(name) ? ["targets", "fromCompose", name, "dependsOn"] : ["targets", name, "dependsOn"]);
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === "done" || !targets[name]) return;
    if (state.get(name) === "visiting") {
      issues.push({ path: at(name), message: `dependencies loop: ${[...trail.slice(trail.indexOf(name)), name].join(" → ")}` });
      return;
    }
    state.set(name, "visiting");
    for (const d of targets[name]!.dependsOn) if (d !== name) visit(d, [...trail, name]);
    state.set(name, "done");
  };
  for (const name of names) visit(name, []);
  return issues;
}

const baseSchema = obj(faultBaseShape);
const BASE_KEYS = Object.keys(faultBaseShape);

function validateCheck(value: unknown, path: Path, issues: Issue[], section: Section): (CheckBase & Record<string, unknown>) | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path, message: "a check is a mapping like { kind: acked-writes, target: store, path: /kv, rate: 50 }" });
    return undefined;
  }
  const kindName = (value as Record<string, unknown>).kind;
  const valid = Object.keys(checkKinds);
  const known = typeof kindName === "string" && Object.hasOwn(checkKinds, kindName);
  if (kindName === undefined) issues.push({ path: [...path, "kind"], message: "is required", valid });
  else if (!known) issues.push({ path: [...path, "kind"], message: `unknown check kind ${JSON.stringify(kindName)}`, valid });
  if (!known) return undefined;
  return section((checkKinds as Record<string, CheckKind<any>>)[kindName as string]!.params, value, path);
}

function validateFault(value: unknown, path: Path, issues: Issue[], section: Section): (FaultBase & Record<string, unknown>) | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path, message: "a fault is a mapping like { kind: crash, target: api, at: 8s }" });
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const kindName = raw.kind;
  // Own keys only: a kind named like an Object method ("toString") is unknown, not a function.
  const known = typeof kindName === "string" && Object.hasOwn(faultRegistry, kindName);
  const kind = known ? (faultRegistry as Record<string, FaultKind<any>>)[kindName] : undefined;
  if (kindName === undefined) issues.push({ path: [...path, "kind"], message: "is required", valid: faultKinds });
  else if (!kind) issues.push({ path: [...path, "kind"], message: `unknown fault kind ${JSON.stringify(kindName)}`, valid: faultKinds });

  const { base: baseRaw, params: paramsRaw } = splitKeys(raw, BASE_KEYS);
  const base = section(baseSchema, baseRaw, path);
  const params = kind ? section(kind.params, paramsRaw, path, BASE_KEYS) : undefined;
  if (!base || !kind || !params) return undefined;

  if (kind.window === "required" && base.duration === undefined) {
    issues.push({ path: [...path, "duration"], message: `is required: ${kind.kind} lasts for a duration (e.g. duration: 3s)` });
    return undefined;
  }
  if (kind.window === "forbidden" && base.duration !== undefined) {
    issues.push({ path: [...path, "duration"], message: `${kind.kind} is instantaneous: remove duration`, atKey: true });
    return undefined;
  }
  const { at, duration, ...rest } = base;
  return { ...(params as object), ...rest, atMs: at, ...(duration === undefined ? {} : { durationMs: duration }) };
}
