import { onEachVictim } from "./fault.ts";
import { applyChanges, iptablesRule } from "./netns.ts";
import type { FaultRuntime } from "./fault.ts";


export const rejectRuntime: FaultRuntime = {
  inject: (ctx) =>
    onEachVictim(ctx, (victim) =>
      applyChanges(
        ctx,
        [iptablesRule(victim, "INPUT", ["-p", "tcp", "--dport", String(victim.port), "-j", "REJECT", "--reject-with", "tcp-reset"])],
      ),
    ),
};
