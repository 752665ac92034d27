import { onEachVictim } from "./fault.ts";
import { applyChanges, iptablesRule } from "./netns.ts";
import { rejectSpec } from "./netns-argv.ts";
import type { FaultRuntime } from "./fault.ts";


export const rejectRuntime: FaultRuntime = {
  inject: (ctx) =>
    onEachVictim(ctx, (victim) =>
      applyChanges(
        ctx,
        [iptablesRule(victim, rejectSpec(victim.port))],
      ),
    ),
};
