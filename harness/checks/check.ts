// The one shape of a data check: something the harness does to a target during the load (write keys,
// say) and verifies after recovery (read them back). Checks measure what faults did to the data, where
// probes measure what they did to availability.
import type { z } from "zod";
import type { Target } from "../scenario/validate.ts";
import type { RunningTargets, TargetsContext } from "../targets/containers.ts";
import type { CheckRecord } from "../contracts/journal.ts";

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

/** Keys every check has, whatever its kind (the kind's own params sit beside them). */
export interface CheckBase {
  kind: string;
  target: string;
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
  kind: string;
  /** One line for docs and the "valid kinds" list. */
  summary: string;
  /** The whole item, `kind` and `target` included (strict: unknown keys are errors). */
  params: z.ZodType<P & CheckBase>;
  describe(p: P & CheckBase): string;
  /** What the parameters ask of the target (a drill needs one the run creates); a problem at `checks[i].KEY`. */
  checkTarget?(p: P & CheckBase, target: Target): { key: string; message: string } | undefined;
  start(ctx: CheckContext, p: P & CheckBase, id: string): RunningCheck;
}
