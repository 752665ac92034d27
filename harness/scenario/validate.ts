// From the parsed YAML (plain data) to a typed Scenario, collecting every problem at once. Each section is
// checked on its own so that one bad section does not hide the problems of the others; cross-references
// (targets, fault times) are checked on whatever parsed.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { faults as faultRegistry, faultKinds } from "../faults/registry.ts";
import type { FaultBase, FaultKind } from "../faults/fault.ts";
import type { HypothesisSpec } from "../metrics/hypothesis.ts";
import { parseObjective, type Objective } from "../slo/grammar.ts";
import { SLO_VALID_NAMES, sloUnits } from "../slo/metrics.ts";
import { FORMAT_NAMES, resolveFormat } from "../../reports/registry.ts";
import type { Issue } from "./errors.ts";
import { name as nameSchema, obj } from "./fields.ts";
import { fromZod, type Path } from "./issues.ts";
import {
  faultBaseShape,
  headerSchema,
  loadSchema,
  probeSchema,
  reportSchema,
  steadyStateSchema,
  targetOverrideSchema,
  targetSchema,
  VARIANT_NAMES,
  type LoadSpec,
  type TargetOverride,
  type VariantName,
  type ProbeSpec,
  type TargetSpec,
} from "./schema.ts";
import { formatDuration } from "./units.ts";

export interface Target extends TargetSpec {
  name: string;
  /** Absolute build folder, when the target is built from a Dockerfile. */
  buildDir?: string;
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
  steadyState: HypothesisSpec;
  faults: FaultSpec[];
  slo: Objective[];
  report: { formats: string[] };
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
  const rawTargets = doc.targets && typeof doc.targets === "object" ? (doc.targets as Record<string, unknown>) : {};
  for (const [key, value] of Object.entries(rawTargets)) {
    const named = nameSchema.safeParse(key);
    if (!named.success) issues.push({ path: ["targets", key], message: `target name ${named.error.issues[0]!.message}`, atKey: true });
    if (field(value, "build") !== undefined && field(value, "image") !== undefined) {
      issues.push({ path: ["targets", key, "image"], message: "give either build (a folder with a Dockerfile) or image (a local image), not both", atKey: true });
    }
    const t = section(targetSchema, value, ["targets", key]);
    if (!t) continue;
    const target: Target = { ...t, name: key };
    if (t.build !== undefined) {
      const buildDir = checkBuildDir(dir, t.build, ["targets", key, "build"], issues);
      if (buildDir) target.buildDir = buildDir;
    }
    targets[key] = target;
  }
  if (header && Object.keys(rawTargets).length === 0) issues.push({ path: ["targets"], message: "declare at least one target" });
  const targetNames = Object.keys(rawTargets);
  const checkTarget = (value: unknown, path: Path) => {
    if (typeof value === "string" && !targetNames.includes(value)) {
      issues.push({ path, message: `unknown target "${value}"`, valid: targetNames });
    }
  };

  // References are checked on the raw values, so they are reported even when their section has other errors.
  checkTarget(field(doc.load, "target"), ["load", "target"]);
  (Array.isArray(doc.probes) ? doc.probes : []).forEach((p, i) => checkTarget(field(p, "target"), ["probes", i, "target"]));
  (Array.isArray(doc.faults) ? doc.faults : []).forEach((f, i) => checkTarget(field(f, "target"), ["faults", i, "target"]));

  const load = doc.load === undefined ? undefined : section(loadSchema, doc.load, ["load"]);

  const probes: ProbeSpec[] = [];
  const seen = new Set<string>();
  (Array.isArray(doc.probes) ? doc.probes : []).forEach((value, i) => {
    const p = section(probeSchema, value, ["probes", i]);
    if (!p) return;
    if (seen.has(p.name)) issues.push({ path: ["probes", i, "name"], message: `probe name "${p.name}" is used twice` });
    seen.add(p.name);
    probes.push(p);
  });

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
    if (t && f.select?.count !== undefined && f.select.count > t.replicas) {
      issues.push({ path: ["faults", i, "select", "count"], message: `${f.select.count} is more than the ${t.replicas} replica(s) of ${f.target}` });
    }
    if (load) {
      if (f.atMs >= load.durationMs) {
        issues.push({ path: ["faults", i, "at"], message: `${formatDuration(f.atMs)} is not before the end of the load (${formatDuration(load.durationMs)})` });
      } else if (f.durationMs !== undefined && f.atMs + f.durationMs > load.durationMs) {
        issues.push({
          path: ["faults", i, "duration"],
          message: `the fault ends at ${formatDuration(f.atMs + f.durationMs)}, after the load ends (${formatDuration(load.durationMs)})`,
        });
      }
    }
    faults.push({ ...f, index: i });
  });

  const slo: Objective[] = [];
  (Array.isArray(doc.slo) ? doc.slo : []).forEach((text, i) => {
    if (typeof text !== "string") return; // reported by the header schema
    const o = parseObjective(text, sloUnits, SLO_VALID_NAMES);
    if (o.ok) slo.push(o.value);
    else issues.push({ path: ["slo", i], message: o.message, valid: o.valid });
  });

  const report = section(reportSchema, doc.report ?? {}, ["report"]);
  report?.formats.forEach((f, i) => {
    if (!resolveFormat(f)) issues.push({ path: ["report", "formats", i], message: `unknown report format "${f}"`, valid: FORMAT_NAMES });
  });

  const variants = validateVariants(doc.variants, Object.keys(rawTargets), dir, issues, section);

  if (issues.length || !header || !load || !hypothesis || !report) return { issues };
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
      steadyState: hypothesis,
      faults,
      slo,
      report,
      ...(variants ? { variants } : {}),
    },
  };
}

/** The absolute build folder, or undefined (with the problem recorded) when it is not a folder with a Dockerfile. */
function checkBuildDir(dir: string, build: string, path: Path, issues: Issue[]): string | undefined {
  const buildDir = resolve(dir, build);
  if (!existsSync(buildDir) || !statSync(buildDir).isDirectory()) issues.push({ path, message: `folder ${buildDir} does not exist` });
  else if (!existsSync(join(buildDir, "Dockerfile"))) issues.push({ path, message: `${buildDir} has no Dockerfile` });
  else return buildDir;
  return undefined;
}

function validateVariants(raw: unknown, targetNames: string[], dir: string, issues: Issue[], section: Section): Scenario["variants"] {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    issues.push({ path: ["variants"], message: "a mapping { baseline: { TARGET: overrides }, canary: { TARGET: overrides } }" });
    return undefined;
  }
  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(VARIANT_NAMES as readonly string[]).includes(key)) issues.push({ path: ["variants", key], message: `unknown variant "${key}"`, valid: VARIANT_NAMES, atKey: true });
  }
  const out = {} as NonNullable<Scenario["variants"]>;
  for (const name of VARIANT_NAMES) {
    const v = given[name] ?? {};
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      issues.push({ path: ["variants", name], message: "a mapping of target names to overrides (build, image, env, command, replicas, restart)" });
      continue;
    }
    out[name] = {};
    for (const [target, value] of Object.entries(v as Record<string, unknown>)) {
      if (!targetNames.includes(target)) {
        issues.push({ path: ["variants", name, target], message: `unknown target "${target}"`, valid: targetNames, atKey: true });
        continue;
      }
      const o = section(targetOverrideSchema, value ?? {}, ["variants", name, target]);
      if (!o) continue;
      const buildDir = o.build === undefined ? undefined : checkBuildDir(dir, o.build, ["variants", name, target, "build"], issues);
      out[name][target] = { ...o, ...(buildDir ? { buildDir } : {}) };
    }
  }
  return out;
}

type Section = <S extends z.ZodType>(schema: S, value: unknown, path: Path, extraKeys?: string[]) => z.output<S> | undefined;

const baseSchema = obj(faultBaseShape);
const BASE_KEYS = Object.keys(faultBaseShape);

function validateFault(value: unknown, path: Path, issues: Issue[], section: Section): (FaultBase & Record<string, unknown>) | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path, message: "a fault is a mapping like { kind: crash, target: api, at: 8s }" });
    return undefined;
  }
  const raw = value as Record<string, unknown>;
  const kindName = raw.kind;
  const kind = typeof kindName === "string" ? (faultRegistry as Record<string, FaultKind<any>>)[kindName] : undefined;
  if (kindName === undefined) issues.push({ path: [...path, "kind"], message: "is required", valid: faultKinds });
  else if (!kind) issues.push({ path: [...path, "kind"], message: `unknown fault kind ${JSON.stringify(kindName)}`, valid: faultKinds });

  const baseRaw = Object.fromEntries(Object.entries(raw).filter(([k]) => BASE_KEYS.includes(k)));
  const paramsRaw = Object.fromEntries(Object.entries(raw).filter(([k]) => !BASE_KEYS.includes(k)));
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
