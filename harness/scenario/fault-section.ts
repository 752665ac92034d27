// One fault of the scenario: its kind (from the registry) with the shared keys and the kind's own
// parameters; its link (`from`); and what this machine must offer to inject it.
import { missing, type HostCapabilities } from "../faults/capabilities.ts";
import type { FaultBase, FaultKind } from "../faults/fault.ts";
import { faults as faultRegistry, faultKinds } from "../faults/registry.ts";
import type { Issue } from "./errors.ts";
import { obj } from "./fields.ts";
import type { Path } from "./issues.ts";
import { splitKeys, type Section } from "./plugin.ts";
import { faultBaseShape } from "./schema.ts";
import type { Scenario, Target } from "./validate.ts";

const baseSchema = obj(faultBaseShape);
const BASE_KEYS = Object.keys(faultBaseShape);

export function validateFault(value: unknown, path: Path, issues: Issue[], section: Section): (FaultBase & Record<string, unknown>) | undefined {
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
/** `from` names another target; on a proxy fault, one that depends on the target (its link has a proxy). */
export function checkLink(f: FaultBase & Record<string, unknown>, targets: Record<string, Target>, path: Path, issues: Issue[]): void {
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
