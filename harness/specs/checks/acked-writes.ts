// acked-writes as validation sees it: where and how fast keys are written, and the optional
// backup-restore drill, which needs a target the run creates and whose volumes it can copy. The runtime
// (writing, reading back, the drill) is harness/checks/acked-writes.ts.
import { z } from "zod";
import { obj, positiveDuration, urlPath } from "../fields.ts";
import type { CheckedTarget, CheckKindSpec } from "./check.ts";

export const DRILLS = ["backup-restore"] as const;

const params = obj({
  kind: z.literal("acked-writes"),
  target: z.string(),
  path: urlPath.default("/kv"),
  rate: z.number().positive().max(1_000).default(50),
  timeout: positiveDuration.default(2_000),
  drill: z.enum(DRILLS).optional(),
}).transform(({ timeout, ...rest }) => ({ ...rest, timeoutMs: timeout }));

export type AckedWritesParams = z.output<typeof params>;

/** Why a target cannot be drilled, or undefined when it can. */
export function drillProblem(target: CheckedTarget): string | undefined {
  if (target.url !== undefined) return `backup-restore destroys and recreates the target's containers: ${target.name} is a url target`;
  if (target.container !== undefined) return `backup-restore destroys and recreates the target's containers: ${target.name} names a container the run does not own (give it build or image)`;
  if (!Object.keys(target.volumes).length) return `backup-restore copies the target's volumes: ${target.name} has none (add volumes: { data: /data })`;
  return undefined;
}

export const ackedWritesSpec: CheckKindSpec<AckedWritesParams> = {
  kind: "acked-writes",
  summary: "write unique keys during the run; after recovery, every acknowledged write must read back",
  params: params as unknown as z.ZodType<AckedWritesParams>,
  describe: (p) => `acknowledged writes to ${p.target} ${p.path} (${p.rate}/s)${p.drill ? `, then a ${p.drill} drill` : ""}`,
  checkTarget: (p, target) => {
    const problem = p.drill && drillProblem(target);
    return problem ? { key: "drill", message: problem } : undefined;
  },
};
