// The one shape of a repair action the healer runs when an alert or a detector fires (`heal[].action`).
// Like a fault kind: strict parameters, a description, and `run`, which does the repair and says what it did.
import type Docker from "dockerode";
import type { z } from "zod";
import type { Target } from "../scenario/validate.ts";
import type { RunningTargets, TargetsContext } from "../targets/containers.ts";
import type { Replica } from "../targets/replica.ts";

export interface HealContext {
  docker: Docker;
  targets: TargetsContext;
  running: RunningTargets;
  target: Target;
  /** The replicas to repair (scope "replicas"), or every replica of the target (scope "target"). */
  replicas: readonly Replica[];
  /** Tells monitoring and Prometheus about a replica the action added or replaced. */
  added(replica: Replica): void;
}

export interface HealAction<P extends object = Record<string, unknown>> {
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
  /** Repairs; resolves to what was done (for the timeline), throws when it could not. */
  run(ctx: HealContext, p: P): Promise<string>;
}
