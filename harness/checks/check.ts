// The one shape of a data check: something the harness does to a target during the load (write keys,
// say) and verifies after recovery (read them back). Checks measure what faults did to the data, where
// probes measure what they did to availability.
import type { z } from "zod";

export interface CheckContext {
  /** One URL per replica of the check's target (http://127.0.0.1:PORT). */
  urls: readonly string[];
  runId: string;
  /** Aborted when the run is interrupted: writes and reads stop at once. */
  signal: AbortSignal;
  event(type: string, message: string): void;
}

/** Keys every check has, whatever its kind (the kind's own params sit beside them). */
export interface CheckBase {
  kind: string;
  target: string;
}

/** What an acked-writes check found (journal `checks[]`). */
export interface AckedWritesRecord {
  id: string;
  kind: "acked-writes";
  target: string;
  description: string;
  path: string;
  rate: number;
  writes: { attempted: number; acked: number; notAcked: number; notAckedBy: Record<string, number> };
  /** null until the read-back ran (interrupted runs, targets that never came back). */
  verify: { startedAt: number; endedAt: number; read: number; present: number; absent: number; mismatched: number; unreadable: number } | null;
  /** Acknowledged writes absent (or holding another value) after recovery; null when not verified. */
  lost: number | null;
  /** Writes never acknowledged that are present anyway (allowed: the answer was lost, not the write). */
  unackedPresent: number | null;
  /** Up to 20 lost keys, for the report. */
  lostKeys: string[];
  error?: string;
}

export type CheckRecord = AckedWritesRecord;

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
  start(ctx: CheckContext, p: P & CheckBase, id: string): RunningCheck;
}
