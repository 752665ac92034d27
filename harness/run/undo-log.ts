// The persisted undo log, <runDir>/undo.json: before an injection changes anything, its restore steps are
// written here (atomically: temp file + rename), and an entry is dropped once its undo succeeded. After a
// SIGKILL, `steadystate cleanup RUN_DIR` replays what is left, so even a killed run leaves targets it does
// not own as it found them.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { applySteps } from "../faults/restore.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
export const UNDO_LOG = "undo.json";

export interface UndoLogEntry {
  /** The injection: fault id and occurrence, e.g. `faults[2]#1`. */
  id: string;
  label: string;
  /** When the first step was recorded. */
  at: number;
  /** Applied newest first on replay. */
  steps: RestoreStep[];
}

interface UndoLogFile {
  runId: string;
  entries: UndoLogEntry[];
}

export class UndoLog {
  private readonly file: string;
  private readonly entries = new Map<string, UndoLogEntry>();

  constructor(
    runDir: string,
    private readonly runId: string,
  ) {
    this.file = join(runDir, UNDO_LOG);
  }

  /** Records one more step of an injection; on disk when this returns. */
  add(id: string, label: string, step: RestoreStep): void {
    const entry = this.entries.get(id) ?? { id, label, at: Date.now(), steps: [] };
    entry.steps.push(step);
    this.entries.set(id, entry);
    this.flush();
  }

  /** The injection was undone: nothing left to replay for it. */
  done(id: string): void {
    if (this.entries.delete(id)) this.flush();
  }

  /** The steps recorded so far for an injection. */
  steps(id: string): RestoreStep[] {
    return [...(this.entries.get(id)?.steps ?? [])];
  }

  get pending(): number {
    return this.entries.size;
  }

  private flush(): void {
    if (!this.entries.size) {
      rmSync(this.file, { force: true });
      return;
    }
    const data: UndoLogFile = { runId: this.runId, entries: [...this.entries.values()] };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n");
    renameSync(tmp, this.file);
  }
}

export interface ReplayResult {
  undone: string[];
  errors: string[];
}

/** Replays a run folder's undo log, newest entry first, every entry attempted; keeps only what failed. */
export async function replayUndoLog(docker: Docker, runDir: string): Promise<ReplayResult> {
  const file = join(runDir, UNDO_LOG);
  const result: ReplayResult = { undone: [], errors: [] };
  if (!existsSync(file)) return result;
  const data = JSON.parse(readFileSync(file, "utf8")) as UndoLogFile;
  const failed: UndoLogEntry[] = [];
  for (const entry of [...data.entries].reverse()) {
    try {
      await applySteps(docker, entry.steps);
      result.undone.push(entry.label);
    } catch (e) {
      failed.push(entry);
      result.errors.push(`undo ${entry.label}: ${(e as Error).message}`);
    }
  }
  if (failed.length) writeFileSync(file, JSON.stringify({ ...data, entries: failed.reverse() }, null, 2) + "\n");
  else rmSync(file, { force: true });
  return result;
}
