import { onEachVictim } from "./fault.ts";
import { applyChanges, iptablesRule } from "./netns.ts";
import type { FaultRuntime } from "./fault.ts";
import type { LossParams } from "../specs/faults/loss.ts";

export const lossRuntime: FaultRuntime<LossParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, (victim) =>
      applyChanges(
        ctx,
        [
          iptablesRule(victim, "INPUT", [
            "-p", "tcp", "--dport", String(victim.port),
            "-m", "statistic", "--mode", "random", "--probability", String(p.ratio),
            "-j", "DROP",
          ]),
        ],
      ),
    ),
};
