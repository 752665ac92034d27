// The `heal` section: rules mapping an alert or a detector to a repair action on a target.
import { z } from "zod";
import type { Issue } from "../../contracts/errors.ts";
import { duration, int, obj } from "../fields.ts";
import type { Path } from "../../contracts/issues.ts";
import { isMapping, splitKeys, type Section } from "../plugin.ts";
import { formatDuration } from "../../contracts/units.ts";
import type { HealActionSpec } from "./action.ts";
import { healActionNames, healActionSpecs } from "./registry.ts";

export interface HealRule {
  index: number;
  /** The alert or detector name that triggers it. */
  on: string;
  action: string;
  target: string;
  /** Most times this rule acts in one run (a flapping alert must not restart a target forever). */
  limit: number;
  /** How long after an action on its target ended the rule does not act (the repair's own echoes). */
  cooldownMs: number;
  params: Record<string, unknown>;
  description: string;
}

export interface HealContext {
  targets: Record<string, { replicas: number; balancer?: string }>;
  /** Alert and detector names, or null when the alerts live in the user's own Prometheus. */
  triggers: string[] | null;
}

const baseShape = { on: z.string().min(1), action: z.string(), target: z.string(), limit: int(1, 100).default(3), cooldown: duration.default(0) };
const baseSchema = obj(baseShape);
const BASE_KEYS = Object.keys(baseShape);

export function validateHeal(raw: readonly unknown[], ctx: HealContext, issues: Issue[], section: Section): HealRule[] {
  const rules: HealRule[] = [];
  raw.forEach((value, i) => {
    const path: Path = ["heal", i];
    if (!isMapping(value)) {
      issues.push({ path, message: "a heal rule is a mapping like { on: ApiDown, action: restart, target: api }" });
      return;
    }
    const { base: baseRaw, params: paramsRaw } = splitKeys(value, BASE_KEYS);
    const base = section(baseSchema, baseRaw, path);
    const action =
      typeof value.action === "string" && Object.hasOwn(healActionSpecs, value.action) ? (healActionSpecs as Record<string, HealActionSpec<any>>)[value.action] : undefined;
    if (value.action === undefined) issues.push({ path: [...path, "action"], message: "is required", valid: healActionNames });
    else if (!action) issues.push({ path: [...path, "action"], message: `unknown action ${JSON.stringify(value.action)}`, valid: healActionNames, given: value.action });
    const params = action ? section(action.params, paramsRaw, path, BASE_KEYS) : undefined;
    if (!base || !action || !params) return;

    const target = ctx.targets[base.target];
    if (!target) issues.push({ path: [...path, "target"], message: `unknown target "${base.target}"`, valid: Object.keys(ctx.targets), given: base.target });
    else if (action.needsBalancer && !target.balancer) {
      issues.push({ path: [...path, "action"], message: `${action.action} needs a balancer in front of ${base.target} (targets.${base.target}.balancer: haproxy): without one, new replicas get no traffic` });
    }
    if (ctx.triggers && !ctx.triggers.includes(base.on)) {
      issues.push({ path: [...path, "on"], message: `no alert or detector is named "${base.on}"`, valid: ctx.triggers, given: base.on });
    }
    const max = (params as { max?: number }).max;
    if (target && max !== undefined && max <= target.replicas) {
      issues.push({ path: [...path, "max"], message: `${max} leaves no room above the ${target.replicas} replica(s) of ${base.target}` });
    }
    rules.push({
      index: i,
      on: base.on,
      action: action.action,
      target: base.target,
      limit: base.limit,
      cooldownMs: base.cooldown,
      params: params as Record<string, unknown>,
      description: `heal[${i}]: on ${base.on}${base.cooldown ? ` (cooldown ${formatDuration(base.cooldown)})` : ""}, ${action.describe(params, base.target)}`,
    });
  });
  return rules;
}

/** Replicas a target may reach: its own, or what its scale rules allow. */
export function maxReplicas(target: string, replicas: number, rules: readonly HealRule[]): number {
  return Math.max(
    replicas,
    ...rules.filter((r) => r.target === target && r.action === "scale").map((r) => (r.params.max as number | undefined) ?? replicas + (r.params.by as number)),
  );
}
