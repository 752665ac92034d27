// One fault of the scenario: its kind (from the registry) with the shared keys and the kind's own
// parameters; where it acts (its link `from`, a balanced target); and what this machine must offer to
// inject it.
import { missing, type HostCapabilities } from "../specs/faults/capabilities.ts";
import type { FaultKindSpec } from "../specs/faults/fault.ts";
import { faultSpecs as faultRegistry, faultKinds } from "../specs/faults/registry.ts";
import type { Issue } from "../contracts/errors.ts";
import { obj } from "../specs/fields.ts";
import type { Path } from "../contracts/issues.ts";
import { splitKeys, type Section } from "../specs/plugin.ts";
import { faultBaseShape } from "./schema.ts";
import type { Scenario, Target } from "./scenario.ts";
import { needsOf, type FaultBase } from "../specs/faults/fault.ts";
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
  const kind = known ? (faultRegistry as Record<string, FaultKindSpec<any>>)[kindName] : undefined;
  if (kindName === undefined) issues.push({ path: [...path, "kind"], message: "is required", valid: faultKinds });
  else if (!kind) issues.push({ path: [...path, "kind"], message: `unknown fault kind ${JSON.stringify(kindName)}`, valid: faultKinds, given: kindName });

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
/** A target the run does not own, in the words of the messages that refuse what needs the run network. */
export const notOnRunNetwork = (name: string) => `${name} is a container the run does not own (targets.${name}.container): it is not on the run network`;
/** Faults in the target's own network namespace: they act whatever its networks or balancer. */
const KERNEL_FAULTS = "loss, reject, bandwidth-tc, partition";

/**
 * Where the fault acts: `from` names another target, on the run network (where links and their proxies
 * are), that depends on the target when the fault acts in a fault proxy; a fault in the proxy in front of
 * each replica needs traffic that goes through that proxy, which a balancer's does not.
 */
export function checkPlacement(f: FaultBase & Record<string, unknown>, targets: Record<string, Target>, path: Path, issues: Issue[]): void {
  const kind = (faultRegistry as Record<string, FaultKindSpec<any>>)[f.kind]!;
  const target = targets[f.target];
  if (kind.proxy && f.from === undefined && target?.balancer) {
    const how =
      kind.proxy === "tcp"
        ? `give \`from\` (the fault then acts on that target's link to ${f.target}) or use a kernel fault (${KERNEL_FAULTS})`
        : `use a TCP fault with \`from\` (on a dependent's link to ${f.target}) or a kernel fault (${KERNEL_FAULTS})`;
    issues.push({
      path: [...path, "kind"],
      message:
        `${f.kind} acts in the fault proxy in front of each replica of ${f.target}, but the load and probes reach ${f.target} through its balancer ` +
        `(targets.${f.target}.balancer: ${target.balancer}), which talks to the replicas directly: the fault would change nothing; ${how}`,
    });
  }
  // An unknown target (or from) is reported as such, not as a missing link.
  if (typeof f.from !== "string" || !targets[f.from] || !targets[f.target]) return;
  const at = [...path, "from"];
  if (f.from === f.target) {
    issues.push({ path: at, message: "must name another target than target" });
    return;
  }
  if (target?.container !== undefined) {
    issues.push({ path: at, message: `${notOnRunNetwork(f.target)}, where faults between targets act; fault ${f.target} without \`from\` instead (in the fault proxy in front of it, or ${KERNEL_FAULTS})` });
    return;
  }
  if (targets[f.from]!.container !== undefined) {
    issues.push({
      path: at,
      message: `${notOnRunNetwork(f.from)} and does not reach ${f.target} through it, so there is no link between them to fault; fault ${f.target} without \`from\`, or let the run start ${f.from} (build or image)`,
    });
    return;
  }
  if (kind.proxy && !targets[f.from]!.dependsOn.includes(f.target)) {
    issues.push({
      path: at,
      message: `${f.from} does not depend on ${f.target}: add dependsOn: [${f.target}] to targets.${f.from} to put a fault proxy on that link`,
    });
  }
}

/** Faults this machine cannot inject: what is missing, and what to use instead (or how to get it). */
export function hostIssues(scenario: Scenario, host: HostCapabilities): Issue[] {
  return scenario.faults.flatMap((f) => {
    const kind = (faultRegistry as Record<string, FaultKindSpec<any>>)[f.kind]!;
    const gaps = missing(needsOf(kind, f), host);
    if (!gaps.length) return [];
    const what = gaps.map((g) => g.status.detail).join("; ");
    const fixes = [...new Set(gaps.flatMap((g) => (g.status.fix ? [g.status.fix] : [])))];
    const then = kind.instead ? `: use ${kind.instead}` : fixes.length ? `: ${fixes.join("; ")}` : "";
    return [{ path: ["faults", f.index, "kind"], message: what + then }];
  });
}
