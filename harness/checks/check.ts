// The one shape of a data check: something the harness does to a target during the load (write keys,
// say) and verifies after recovery (read them back). Checks measure what faults did to the data, where
// probes measure what they did to availability.
import type { z } from "zod";
import type { Target } from "../scenario/validate.ts";
import type { RunningTargets, TargetsContext } from "../targets/containers.ts";

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

/** What a read-back found, by key state. */
export interface ReadBackCounts {
  startedAt: number;
  endedAt: number;
  read: number;
  present: number;
  absent: number;
  mismatched: number;
  unreadable: number;
}

/**
 * The backup-restore drill of an acked-writes check: after the read-back, every volume of the target is
 * copied into a backup volume, the target's containers and volumes are destroyed, the volumes are
 * recreated from the backups, the target is started again and every write is read back once more.
 */
export interface RestoreDrillRecord {
  kind: "backup-restore";
  /** Each volume of the target and the backup volume it was copied into. */
  volumes: { volume: string; backup: string }[];
  startedAt: number | null;
  /** Copying every volume into its backup. */
  backupMs: number | null;
  /** Destroying the target → every replica healthy again on the restored volumes. */
  restoreMs: number | null;
  /** Start of the backup → healthy again (time to restore, backup included). */
  totalMs: number | null;
  /** null until the read-back after the restore ran. */
  verify: ReadBackCounts | null;
  /** Acknowledged writes absent (or changed) after the restore; null when not every key was read. */
  lost: number | null;
  /** Up to 20 keys the restore lost. */
  lostKeys: string[];
  error?: string;
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
  verify: ReadBackCounts | null;
  /** Acknowledged writes absent (or holding another value) after recovery; null when not verified. */
  lost: number | null;
  /** Writes never acknowledged that are present anyway (allowed: the answer was lost, not the write). */
  unackedPresent: number | null;
  /** Up to 20 lost keys, for the report. */
  lostKeys: string[];
  /** Only when the check asks for one (`drill: backup-restore`). */
  drill?: RestoreDrillRecord;
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
  /** What the parameters ask of the target (a drill needs one the run creates); a problem at `checks[i].KEY`. */
  checkTarget?(p: P & CheckBase, target: Target): { key: string; message: string } | undefined;
  start(ctx: CheckContext, p: P & CheckBase, id: string): RunningCheck;
}
