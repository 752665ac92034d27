// The `checks` section: each entry's kind (from the registry) and its parameters.
import type { Issue } from "../../contracts/errors.ts";
import type { Path } from "../../contracts/issues.ts";
import type { Section } from "../plugin.ts";
import type { CheckBase, CheckedTarget, CheckKindSpec } from "./check.ts";
import { checkKindSpecs } from "./registry.ts";

export function validateCheck(
  value: unknown,
  path: Path,
  issues: Issue[],
  section: Section,
  targets: Readonly<Record<string, CheckedTarget>>,
): (CheckBase & Record<string, unknown>) | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    issues.push({ path, message: "a check is a mapping like { kind: acked-writes, target: store, path: /kv, rate: 50 }" });
    return undefined;
  }
  const kindName = (value as Record<string, unknown>).kind;
  const valid = Object.keys(checkKindSpecs);
  const known = typeof kindName === "string" && Object.hasOwn(checkKindSpecs, kindName);
  if (kindName === undefined) issues.push({ path: [...path, "kind"], message: "is required", valid });
  else if (!known) issues.push({ path: [...path, "kind"], message: `unknown check kind ${JSON.stringify(kindName)}`, valid, given: kindName });
  if (!known) return undefined;
  const kind = (checkKindSpecs as Record<string, CheckKindSpec<any>>)[kindName as string]!;
  const check = section(kind.params, value, path);
  const target = check && targets[check.target];
  const problem = target && kind.checkTarget?.(check, target);
  if (problem) issues.push({ path: [...path, problem.key], message: problem.message });
  return problem ? undefined : check;
}
