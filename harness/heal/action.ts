// The one shape of a repair action at run time: `run` does the repair and says what it did. Its name,
// parameters, scope and description are its spec (harness/specs/heal/action.ts).
import type Docker from "dockerode";
import type { Target } from "../scenario/scenario.ts";
import type { RunningTargets } from "../targets/containers.ts";
import type { Replica } from "../docker/replica.ts";
import type { TargetsContext } from "../docker/context.ts";
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

export interface HealActionRuntime<P extends object = Record<string, unknown>> {
  /** Repairs; resolves to what was done (for the timeline), throws when it could not. */
  run(ctx: HealContext, p: P): Promise<string>;
}
