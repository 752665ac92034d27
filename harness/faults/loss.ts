import { onEachVictim } from "./fault.ts";
import { applyChanges, iptablesRule } from "./netns.ts";
import { lossSpec } from "./netns-argv.ts";
import type { FaultRuntime } from "./fault.ts";
import type { LossParams } from "../specs/faults/loss.ts";

export const lossRuntime: FaultRuntime<LossParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, (victim) => applyChanges(ctx, [iptablesRule(victim, lossSpec(victim.port, p.ratio))])),
};
