// From the parsed YAML (plain data) to a typed Scenario, collecting every problem at once. Each section is
// checked on its own so that one bad section does not hide the problems of the others; cross-references
// (targets, fault times) are checked on whatever parsed.
import { resolve } from "node:path";
import type { z } from "zod";
import type { CheckSpec } from "../specs/checks/check.ts";
import { validateCheck } from "../specs/checks/section.ts";
import { checkDetectionObjectives, validateDetection, type DetectionSpec } from "../specs/detect/scenario.ts";
import type { RuleChecker } from "../specs/detect/rules.ts";
import type { FaultBase } from "../specs/faults/fault.ts";
import { faultSpecs as faultRegistry } from "../specs/faults/registry.ts";
import { maxReplicas, validateHeal, type HealRule } from "../specs/heal/scenario.ts";
import { checkJourneys, journeySchema, type JourneySpec } from "../specs/journeys/spec.ts";
import { loadEngineSpecs } from "../specs/load/registry.ts";
import { loadSchema } from "../specs/load/schema.ts";
import { resolveLoad, type LoadSpec } from "../specs/load/spec.ts";
import { steadyStateSchema } from "../specs/hypothesis.ts";
import { validateErrorBudget, type PlacedObjective } from "../specs/slo/error-budget.ts";
import { parseObjective, type Objective } from "../specs/slo/grammar.ts";
import { SLO_VALID_NAMES, sloUnits } from "../specs/slo/metrics.ts";
import { parseStopCondition, type StopCondition } from "../specs/slo/stop-condition.ts";
import { FORMAT_NAMES, resolveFormat } from "../specs/report-formats.ts";
import { quote, type Issue } from "../contracts/errors.ts";
import { checkPlacement, validateFault } from "./fault-section.ts";
import { checkFaultTiming } from "./fault-timing.ts";
import { name as nameSchema } from "../specs/fields.ts";
import { fromZod, spelledIn, type Path, type Spelled } from "../contracts/issues.ts";
import type { Section } from "../specs/plugin.ts";
import {
  headerSchema,
  probeSchema,
  reportSchema,
  targetSchema,
  type ProbeSpec,
} from "./schema.ts";
import { checkBuildDir, checkDependencies, withCompose } from "./target-graph.ts";
import { checkTargetSource } from "./target-source.ts";
import { formatDuration } from "../contracts/units.ts";
import { validateVariants } from "./variants.ts";
import type { Target, FaultSpec, Scenario } from "./scenario.ts";
const BUCKET_MS = 100;

/** What every section's check reads: the parsed document, the scenario's folder, and where problems go. */
interface Context {
  doc: Record<string, unknown>;
  dir: string;
  issues: Issue[];
  section: Section;
  /** A duration as the user wrote it, for messages. */
  spelled: Spelled;
  /** Checks rule files beyond reading them (the CLI passes promtool). */
  checkRules?: RuleChecker;
}

export function validateScenario(raw: unknown, file: string, dir: string, checkRules?: RuleChecker): { scenario?: Scenario; issues: Issue[] } {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return { issues: [{ path: [], message: "a scenario is a YAML mapping with version, name, targets, load, …" }] };
  }
  const issues: Issue[] = [];
  const ctx: Context = { doc: raw as Record<string, unknown>, dir, issues, section: sectionParser(issues), spelled: spelledIn(raw), checkRules };
  const header = ctx.section(headerSchema, raw, []);

  const { targets, rawTargets, imported } = validateTargets(ctx);
  const targetNames = Object.keys(rawTargets);
  if (header && targetNames.length === 0) issues.push({ path: ["targets"], message: "declare at least one target" });
  issues.push(...checkDependencies(targets, imported));
  checkTargetReferences(ctx, targetNames, rawTargets, imported);

  const load = validateLoad(ctx);
  const { probes, probeIndex } = validateProbes(ctx);
  const journeys = validateJourneys(ctx, targetNames);
  const hypothesis = validateSteadyState(ctx, probes, probeIndex);
  const faults = validateFaults(ctx, targets);
  if (load) issues.push(...checkFaultTiming(faults, faultRegistry, load.durationMs, hypothesis, ctx.spelled));
  const abortWhen = validateAbortWhen(ctx);
  const { slo, placed } = validateSlo(ctx);
  const errorBudget = validateErrorBudget(ctx.doc.errorBudget, placed, load?.durationMs, issues, ctx.section, ctx.spelled);
  const detection = validateDetectionSection(ctx, targetNames, probes, faults, load);
  const heal = validateHealRules(ctx, targets, detection);
  if (detection !== undefined) checkDetectionObjectives(placed, detection, issues);
  const checks = validateChecks(ctx, targets);
  const report = validateReport(ctx);
  const variants = validateVariants(ctx.doc.variants, targetNames, dir, issues, ctx.section);

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

/** Parses one section with its schema; when it does not parse, its problems join the others and it is undefined. */
function sectionParser(issues: Issue[]): Section {
  return <S extends z.ZodType>(schema: S, value: unknown, path: Path, extraKeys: string[] = []) => {
    const r = schema.safeParse(value, { reportInput: true });
    if (r.success) return r.data as z.output<S>;
    issues.push(...fromZod(r.error, path, extraKeys));
    return undefined;
  };
}

function field(value: unknown, key: string): unknown {
  return value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

/** The targets written and imported from a Compose file (`rawTargets`), and those of them that are valid. */
function validateTargets(ctx: Context): { targets: Record<string, Target>; rawTargets: Record<string, unknown>; imported: Set<string> } {
  const written = ctx.doc.targets && typeof ctx.doc.targets === "object" ? (ctx.doc.targets as Record<string, unknown>) : {};
  const { targets: rawTargets, imported, broken } = withCompose(written, ctx.dir, ctx.issues);
  const targets: Record<string, Target> = {};
  for (const [key, value] of Object.entries(rawTargets)) {
    // A service of a Compose file is reported at `fromCompose` (its own mistakes were located in that file).
    const at: Path = imported.has(key) ? ["targets", "fromCompose", key] : ["targets", key];
    const target = validateTarget(ctx, key, value, at, broken.has(key));
    if (target) targets[key] = target;
  }
  return { targets, rawTargets, imported };
}

function validateTarget({ dir, issues, section }: Context, key: string, value: unknown, at: Path, broken: boolean): Target | undefined {
  const named = nameSchema.safeParse(key);
  if (!named.success) issues.push({ path: at, message: `target name ${named.error.issues[0]!.message}`, atKey: true });
  if (field(value, "build") !== undefined && field(value, "image") !== undefined) {
    issues.push({ path: [...at, "image"], message: "give either build (a folder with a Dockerfile) or image (a local image), not both", atKey: true });
  }
  if (broken) return undefined; // its mistakes are already reported in the Compose file
  const sourceIssues = value && typeof value === "object" ? checkTargetSource(value as Record<string, unknown>, key) : [];
  issues.push(...sourceIssues);
  const t = section(targetSchema, value, at);
  if (!t || sourceIssues.length) return undefined;
  const target: Target = { ...t, name: key, port: t.port ?? Number(new URL(t.url!).port || 80), maxReplicas: t.replicas };
  if (t.build !== undefined) {
    const buildDir = checkBuildDir(dir, t.build, [...at, "build"], issues);
    if (buildDir) target.buildDir = buildDir;
  }
  return target;
}

type TargetCheck = (value: unknown, path: Path) => void;

/** References are checked on the raw values, so they are reported even when their section has other errors. */
function checkTargetReferences({ doc, issues }: Context, targetNames: string[], rawTargets: Record<string, unknown>, imported: Set<string>): void {
  const validTargetNames = targetNames.filter((t) => nameSchema.safeParse(t).success);
  const checkTarget: TargetCheck = (value, path) => {
    if (typeof value === "string" && !targetNames.includes(value)) {
      issues.push({ path, message: `unknown target ${quote(value)}`, valid: validTargetNames, given: value });
    }
  };
  checkTarget(field(doc.load, "target"), ["load", "target"]);
  const rawRequests = field(doc.load, "requests");
  (Array.isArray(rawRequests) ? rawRequests : []).forEach((r, i) => checkTarget(field(r, "target"), ["load", "requests", i, "target"]));
  (Array.isArray(doc.probes) ? doc.probes : []).forEach((p, i) => checkTarget(field(p, "target"), ["probes", i, "target"]));
  (Array.isArray(doc.faults) ? doc.faults : []).forEach((f, i) => {
    checkTarget(field(f, "target"), ["faults", i, "target"]);
    checkTarget(field(f, "from"), ["faults", i, "from"]);
  });
  checkDependsOn(rawTargets, imported, checkTarget, issues);
  (Array.isArray(doc.checks) ? doc.checks : []).forEach((c, i) => checkTarget(field(c, "target"), ["checks", i, "target"]));
}

/** Each dependsOn entry names another target, once. */
function checkDependsOn(rawTargets: Record<string, unknown>, imported: Set<string>, checkTarget: TargetCheck, issues: Issue[]): void {
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
}

function validateLoad({ doc, dir, issues, section }: Context): LoadSpec | undefined {
  // A list under `load` is most likely a request mix written one level too high: say where it goes.
  if (Array.isArray(doc.load)) issues.push({ path: ["load"], message: "expected a mapping, got a list (a request mix goes under load.requests: load: { requests: [ … ], duration: … })" });
  const loadInput = doc.load === undefined || Array.isArray(doc.load) ? undefined : section(loadSchema, doc.load, ["load"]);
  if (!loadInput) return undefined;
  const resolved = resolveLoad(loadInput, loadEngineSpecs, dir);
  issues.push(...resolved.issues);
  return resolved.spec;
}

/** The valid probes, and where each sits in the file (`probeIndex`). */
function validateProbes({ doc, issues, section }: Context): { probes: ProbeSpec[]; probeIndex: number[] } {
  const probes: ProbeSpec[] = [];
  const probeIndex: number[] = [];
  const seen = new Set<string>();
  (Array.isArray(doc.probes) ? doc.probes : []).forEach((value, i) => {
    const p = section(probeSchema, value, ["probes", i]);
    if (!p) return;
    if (seen.has(p.name)) issues.push({ path: ["probes", i, "name"], message: `probe name ${quote(p.name)} is used twice` });
    seen.add(p.name);
    probes.push(p);
    probeIndex.push(i);
  });
  return { probes, probeIndex };
}

function validateJourneys({ doc, dir, issues, section }: Context, targetNames: string[]): JourneySpec[] {
  const journeys: JourneySpec[] = [];
  (Array.isArray(doc.journeys) ? doc.journeys : []).forEach((value, i) => {
    const j = section(journeySchema, value, ["journeys", i]);
    if (j) journeys.push(j.script === undefined ? j : { ...j, script: resolve(dir, j.script) });
  });
  issues.push(...checkJourneys(doc.journeys, targetNames, dir));
  return journeys;
}

function validateSteadyState({ doc, issues, section, spelled }: Context, probes: ProbeSpec[], probeIndex: number[]) {
  const hypothesis = section(steadyStateSchema, doc.steadyState ?? { errorRate: "< 1%" }, ["steadyState"]);
  if (!hypothesis) return undefined;
  if (hypothesis.windowMs % BUCKET_MS !== 0) {
    issues.push({ path: ["steadyState", "window"], message: `must be a multiple of ${BUCKET_MS}ms` });
  }
  if (hypothesis.stableForMs < hypothesis.windowMs) {
    issues.push({ path: ["steadyState", "stableFor"], message: `must be at least window (${spelled(["steadyState", "window"], hypothesis.windowMs)})` });
  }
  checkProbesFitWindow(probes, probeIndex, hypothesis.windowMs, issues, spelled);
  return hypothesis;
}

/**
 * A window without any outcome of a probe does not hold ("no outcomes"): a probe sparser than the
 * window would break the hypothesis on its own, and nothing could ever recover.
 */
function checkProbesFitWindow(probes: ProbeSpec[], probeIndex: number[], windowMs: number, issues: Issue[], spelled: Spelled): void {
  probes.forEach((p, i) => {
    if (p.everyMs <= windowMs) return;
    const path = ["probes", probeIndex[i]!, "every"];
    const window = spelled(["steadyState", "window"], windowMs);
    issues.push({
      path,
      message: `${spelled(path, p.everyMs)} is longer than steadyState.window (${window}): windows without a probe outcome break the hypothesis, so nothing would ever recover; lower every to ${window} or raise steadyState.window to ${formatDuration(Math.ceil(p.everyMs / BUCKET_MS) * BUCKET_MS)}`,
    });
  });
}

function validateFaults({ doc, issues, section }: Context, targets: Record<string, Target>): FaultSpec[] {
  const faults: FaultSpec[] = [];
  (Array.isArray(doc.faults) ? doc.faults : []).forEach((value, i) => {
    const f = validateFault(value, ["faults", i], issues, section);
    if (!f) return;
    checkFaultTarget(f, targets, ["faults", i], issues);
    faults.push({ ...f, index: i });
  });
  return faults;
}

/** The fault's target can take it: placement, enough replicas to select, a container to act on. */
function checkFaultTarget(f: FaultBase & Record<string, unknown>, targets: Record<string, Target>, path: Path, issues: Issue[]): void {
  const t = targets[f.target];
  checkPlacement(f, targets, path, issues);
  if (t && f.select?.count !== undefined && f.select.count > t.replicas) {
    issues.push({ path: [...path, "select", "count"], message: `${f.select.count} is more than the ${t.replicas} replica(s) of ${f.target}` });
  }
  if (t?.url !== undefined) {
    issues.push({ path: [...path, "target"], message: `${f.target} is a url target (load and probes only): faults need a container (build, image or container)` });
  }
}

function validateAbortWhen({ doc, issues }: Context): StopCondition[] {
  const abortWhen: StopCondition[] = [];
  (Array.isArray(doc.abortWhen) ? doc.abortWhen : []).forEach((text, i) => {
    if (typeof text !== "string") return; // reported by the header schema
    const c = parseStopCondition(text);
    if (c.ok) abortWhen.push(c.value);
    else issues.push({ path: ["abortWhen", i], message: c.message, valid: c.valid, given: c.given });
  });
  return abortWhen;
}

/** The valid objectives, and each with where it sits in the file (`placed`). */
function validateSlo({ doc, issues }: Context): { slo: Objective[]; placed: PlacedObjective[] } {
  const slo: Objective[] = [];
  const placed: PlacedObjective[] = [];
  (Array.isArray(doc.slo) ? doc.slo : []).forEach((text, i) => {
    if (typeof text !== "string") return; // reported by the header schema
    const o = parseObjective(text, sloUnits, SLO_VALID_NAMES);
    if (o.ok) {
      slo.push(o.value);
      placed.push({ index: i, metric: o.value.metric });
    } else issues.push({ path: ["slo", i], message: o.message, valid: o.valid, given: o.given });
  });
  return { slo, placed };
}

/** null when the scenario configures no detection, undefined when it does but wrongly. */
function validateDetectionSection(
  { doc, dir, issues, section, spelled, checkRules }: Context,
  targetNames: string[],
  probes: ProbeSpec[],
  faults: FaultSpec[],
  load: LoadSpec | undefined,
): DetectionSpec | null | undefined {
  if (doc.detection === undefined) return null;
  return validateDetection(
    doc.detection,
    { dir, targetNames, probeNames: probes.map((p) => p.name), faults, loadDurationMs: load?.durationMs, spelled, checkRules },
    issues,
    section,
  );
}

/** The heal rules; each target's maxReplicas then allows for the rules that scale it. */
function validateHealRules({ doc, issues, section }: Context, targets: Record<string, Target>, detection: DetectionSpec | null | undefined): HealRule[] {
  // Heal rules name alerts and detectors: checked against them when the rule files are known.
  const triggers = detection === null ? [] : detection?.ruleAlerts ? [...detection.ruleAlerts, ...detection.detectors.map((d) => d.name)] : null;
  const heal = validateHeal(Array.isArray(doc.heal) ? doc.heal : [], { targets, triggers }, issues, section);
  for (const t of Object.values(targets)) t.maxReplicas = maxReplicas(t.name, t.replicas, heal);
  return heal;
}

function validateChecks({ doc, issues, section }: Context, targets: Record<string, Target>): CheckSpec[] {
  const checks: CheckSpec[] = [];
  (Array.isArray(doc.checks) ? doc.checks : []).forEach((value, i) => {
    const c = validateCheck(value, ["checks", i], issues, section, targets);
    if (c) checks.push({ ...c, index: i });
  });
  return checks;
}

function validateReport({ doc, issues, section }: Context) {
  const report = section(reportSchema, doc.report ?? {}, ["report"]);
  report?.formats.forEach((f, i) => {
    if (!resolveFormat(f)) issues.push({ path: ["report", "formats", i], message: `unknown report format ${quote(f)}`, valid: FORMAT_NAMES, given: f });
  });
  return report;
}
