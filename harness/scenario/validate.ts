// From the parsed YAML (plain data) to a typed Scenario, collecting every problem at once. Each section is
// checked on its own so that one bad section does not hide the problems of the others; cross-references
// (targets, fault times) are checked on whatever parsed.
import { resolve } from "node:path";
import type { z } from "zod";
import type { CheckSpec } from "../specs/checks/check.ts";
import { validateCheck } from "../specs/checks/section.ts";
import { checkDetectionObjectives, validateDetection, type DetectionSpec } from "../detect/scenario.ts";
import type { FaultBase } from "../faults/fault.ts";
import { faults as faultRegistry } from "../faults/registry.ts";
import { maxReplicas, validateHeal, type HealRule } from "../heal/scenario.ts";
import { checkJourneys, journeySchema, type JourneySpec } from "../specs/journeys/spec.ts";
import { loadEngineSpecs } from "../specs/load/registry.ts";
import { loadSchema } from "../specs/load/schema.ts";
import { resolveLoad, type LoadSpec } from "../specs/load/spec.ts";
import { steadyStateSchema, type HypothesisSpec } from "../specs/hypothesis.ts";
import { validateErrorBudget, type ErrorBudget, type PlacedObjective } from "../specs/slo/error-budget.ts";
import { parseObjective, type Objective } from "../specs/slo/grammar.ts";
import { SLO_VALID_NAMES, sloUnits } from "../specs/slo/metrics.ts";
import { parseStopCondition, type StopCondition } from "../specs/slo/stop-condition.ts";
import { FORMAT_NAMES, resolveFormat } from "../specs/report-formats.ts";
import { quote, type Issue } from "../contracts/errors.ts";
import { checkPlacement, validateFault } from "./fault-section.ts";
import { checkFaultTiming } from "./fault-timing.ts";
import { name as nameSchema } from "../specs/fields.ts";
import { fromZod, type Path } from "../contracts/issues.ts";
import {
  headerSchema,
  probeSchema,
  reportSchema,
  targetSchema,
  type ProbeSpec,
  type TargetOverride,
  type TargetSpec,
  type VariantName,
} from "./schema.ts";
import { checkBuildDir, checkDependencies, withCompose } from "./target-graph.ts";
import { checkTargetSource } from "./target-source.ts";
import { formatDuration } from "../contracts/units.ts";
import { validateVariants } from "./variants.ts";

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
  /** The availability objective's budget period, read by error_budget_burn. */
  errorBudget?: ErrorBudget;
  /** Alerting and built-in detectors (null: no detection configured). */
  detection: DetectionSpec | null;
  heal: HealRule[];
  checks: CheckSpec[];
  /** Target overrides of the two sides of an A/B run (`run --ab`). */
  variants?: Record<VariantName, Record<string, TargetOverride & { buildDir?: string }>>;
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
      const buildDir = checkBuildDir(dir, t.build, [...at, "build"], issues);
      if (buildDir) target.buildDir = buildDir;
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

  // A list under `load` is most likely a request mix written one level too high: say where it goes.
  if (Array.isArray(doc.load)) issues.push({ path: ["load"], message: "expected a mapping, got a list (a request mix goes under load.requests: load: { requests: [ … ], duration: … })" });
  const loadInput = doc.load === undefined || Array.isArray(doc.load) ? undefined : section(loadSchema, doc.load, ["load"]);
  let load: LoadSpec | undefined;
  if (loadInput) {
    const resolved = resolveLoad(loadInput, loadEngineSpecs, dir);
    issues.push(...resolved.issues);
    load = resolved.spec;
  }

  const probes: ProbeSpec[] = [];
  const probeIndex: number[] = []; // where each valid probe sits in the file
  const seen = new Set<string>();
  (Array.isArray(doc.probes) ? doc.probes : []).forEach((value, i) => {
    const p = section(probeSchema, value, ["probes", i]);
    if (!p) return;
    if (seen.has(p.name)) issues.push({ path: ["probes", i, "name"], message: `probe name ${quote(p.name)} is used twice` });
    seen.add(p.name);
    probes.push(p);
    probeIndex.push(i);
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
    // A window without any outcome of a probe does not hold ("no outcomes"): a probe sparser than the
    // window would break the hypothesis on its own, and nothing could ever recover.
    probes.forEach((p, i) => {
      if (p.everyMs <= hypothesis.windowMs) return;
      issues.push({
        path: ["probes", probeIndex[i]!, "every"],
        message: `${formatDuration(p.everyMs)} is longer than steadyState.window (${formatDuration(hypothesis.windowMs)}): windows without a probe outcome break the hypothesis, so nothing would ever recover; lower every to ${formatDuration(hypothesis.windowMs)} or raise steadyState.window to ${formatDuration(Math.ceil(p.everyMs / BUCKET_MS) * BUCKET_MS)}`,
      });
    });
  }

  const faults: FaultSpec[] = [];
  (Array.isArray(doc.faults) ? doc.faults : []).forEach((value, i) => {
    const f = validateFault(value, ["faults", i], issues, section);
    if (!f) return;
    const t = targets[f.target];
    checkPlacement(f, targets, ["faults", i], issues);
    if (t && f.select?.count !== undefined && f.select.count > t.replicas) {
      issues.push({ path: ["faults", i, "select", "count"], message: `${f.select.count} is more than the ${t.replicas} replica(s) of ${f.target}` });
    }
    if (t?.url !== undefined) {
      issues.push({ path: ["faults", i, "target"], message: `${f.target} is a url target (load and probes only): faults need a container (build, image or container)` });
    }
    faults.push({ ...f, index: i });
  });
  if (load) issues.push(...checkFaultTiming(faults, faultRegistry, load.durationMs, hypothesis));

  const abortWhen: StopCondition[] = [];
  (Array.isArray(doc.abortWhen) ? doc.abortWhen : []).forEach((text, i) => {
    if (typeof text !== "string") return; // reported by the header schema
    const c = parseStopCondition(text);
    if (c.ok) abortWhen.push(c.value);
    else issues.push({ path: ["abortWhen", i], message: c.message, ...(c.valid ? { valid: c.valid } : {}) });
  });

  const slo: Objective[] = [];
  const placed: PlacedObjective[] = []; // each valid objective and where it sits in the file
  (Array.isArray(doc.slo) ? doc.slo : []).forEach((text, i) => {
    if (typeof text !== "string") return; // reported by the header schema
    const o = parseObjective(text, sloUnits, SLO_VALID_NAMES);
    if (o.ok) {
      slo.push(o.value);
      placed.push({ index: i, metric: o.value.metric });
    } else issues.push({ path: ["slo", i], message: o.message, valid: o.valid });
  });
  const errorBudget = validateErrorBudget(doc.errorBudget, placed, load?.durationMs, issues, section);

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
  if (detection !== undefined) checkDetectionObjectives(placed, detection, issues);
  const checks: CheckSpec[] = [];
  (Array.isArray(doc.checks) ? doc.checks : []).forEach((value, i) => {
    const c = validateCheck(value, ["checks", i], issues, section, targets);
    if (c) checks.push({ ...c, index: i });
  });

  const report = section(reportSchema, doc.report ?? {}, ["report"]);
  report?.formats.forEach((f, i) => {
    if (!resolveFormat(f)) issues.push({ path: ["report", "formats", i], message: `unknown report format ${quote(f)}`, valid: FORMAT_NAMES });
  });

  const variants = validateVariants(doc.variants, Object.keys(rawTargets), dir, issues, section);

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
      ...(errorBudget ? { errorBudget } : {}),
      detection,
      heal,
      checks,
      ...(variants ? { variants } : {}),
    },
  };
}
