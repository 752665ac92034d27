// The one shape of a data check's runtime: something the harness does to a target during the load (write
// keys, say) and verifies after recovery (read them back). Checks measure what faults did to the data, where
// probes measure what they did to availability. A kind's name, parameters and summary are its spec
// (harness/specs/checks/).
import type { Target } from "../scenario/scenario.ts";
import type { RunningTargets } from "../targets/containers.ts";
import type { CheckRecord } from "../contracts/journal.ts";
import type { CheckBase } from "../specs/checks/check.ts";
import type { TargetsContext } from "../docker/context.ts";
export interface CheckContext {
  /** One URL per replica of the check's target (http://127.0.0.1:PORT). */
  urls: readonly string[];
  runId: string;
  /** Aborted when the run is interrupted: writes and reads stop at once. */
  signal: AbortSignal;
  event(type: string, message: string): void;
  /** The check's target as the run started it: what a drill needs to back it up, destroy and restore it. */
  host: CheckHost;
}

export interface CheckHost {
  targets: TargetsContext;
  running: RunningTargets;
  target: Target;
}

export interface RunningCheck {
  /** Stops the writes at the end of the load and waits for those in flight. */
  stop(): Promise<void>;
  /** Reads back what was written; called once the target answers its health check again. */
  verify(signal: AbortSignal): Promise<void>;
  /** The record as it stands (final after `verify`). */
  result(): CheckRecord;
}

export interface CheckKind<P extends object = Record<string, unknown>> {
  start(ctx: CheckContext, p: P & CheckBase, id: string): RunningCheck;
}
