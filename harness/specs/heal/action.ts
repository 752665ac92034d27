// The spec of a repair action the healer runs when an alert or a detector fires (`heal[].action`). Like a
// fault kind: a name, a line for `steadystate kinds`, strict parameters and a description; what it does is
// its runtime (harness/heal/action.ts), registered under the same name.
import type { z } from "zod";

export interface HealActionSpec<P extends object = Record<string, unknown>> {
  action: string;
  /** One line for `steadystate kinds`: what it does. */
  summary: string;
  params: z.ZodType<P>;
  /**
   * "replicas": acts on the replica the alert names (its `replica` label), else on the replicas failing
   * their health check, else on all; "target": acts on the target as a whole.
   */
  scope: "replicas" | "target";
  /** New replicas only receive traffic through a balancer. */
  needsBalancer?: boolean;
  describe(p: P, target: string): string;
}

/** The parameters a repair action's spec parses to. */
export type HealParams<A> = A extends HealActionSpec<infer P> ? P : never;
