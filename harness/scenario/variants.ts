// `variants`: the two sides of an A/B run, each a set of overrides of the scenario's targets.
import type { Issue } from "../contracts/errors.ts";
import type { Section } from "../specs/plugin.ts";
import { targetOverrideSchema, VARIANT_NAMES } from "./schema.ts";
import { checkBuildDir } from "./target-graph.ts";
import type { Scenario } from "./scenario.ts";

export function validateVariants(raw: unknown, targetNames: string[], dir: string, issues: Issue[], section: Section): Scenario["variants"] {
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
