// The persisted undo log, <runDir>/undo.json: before an injection changes anything, its restore steps are
// written here (atomically: temp file + rename), and an entry is dropped once its undo succeeded. After a
// SIGKILL, `steadystate cleanup RUN_DIR` replays what is left, so even a killed run leaves targets it does
// not own as it found them.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { z } from "zod";
import { formatPath, oneLine, quote } from "../contracts/errors.ts";
import { restoreStepSchema, undoEntrySchema, undoLogSchema, type RestoreStep, type UndoLogEntry } from "../contracts/restore-steps.ts";
import type { BlastRadius } from "../faults/blast-radius.ts";
import { applySteps, describeStep } from "../faults/restore.ts";
import { checkStep } from "../faults/restore-check.ts";
export const UNDO_LOG = "undo.json";

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
    writeLog(this.file, this.runId, [...this.entries.values()]);
  }
}

function writeLog(file: string, runId: string, entries: unknown[]): void {
  const data: z.infer<typeof undoLogSchema> = { runId, entries };
  writeFileSync(`${file}.tmp`, JSON.stringify(data, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
}

export interface ReplayResult {
  undone: string[];
  /** One line per step (or entry, or the whole log) refused: what it was and why. */
  refused: string[];
  errors: string[];
}

/**
 * Replays a run folder's undo log, newest entry first, every entry attempted; keeps only the entries that
 * failed or had a step refused. The log is untrusted: it must parse, be this run's, and each step must be
 * one a fault of this run could have written (restore-check.ts); the rest of the log is replayed.
 */
export async function replayUndoLog(docker: Docker, runDir: string, radius: BlastRadius): Promise<ReplayResult> {
  const file = join(runDir, UNDO_LOG);
  const result: ReplayResult = { undone: [], refused: [], errors: [] };
  if (!existsSync(file)) return result;
  const log = readLog(file, radius.runId);
  if (typeof log === "string") {
    result.refused.push(`refused ${file}: ${log}`);
    return result;
  }
  const kept: unknown[] = [];
  for (const raw of [...log.entries].reverse()) {
    const r = await replayEntry(docker, radius, raw);
    result.refused.push(...r.refused);
    if (r.error) result.errors.push(r.error);
    else if (r.label !== undefined) result.undone.push(r.label);
    if (r.error || r.refused.length) kept.unshift(raw);
  }
  if (kept.length) writeLog(file, log.runId, kept);
  else rmSync(file, { force: true });
  return result;
}

/** The log's entries, or why the whole log is refused. */
function readLog(file: string, runId: string): z.infer<typeof undoLogSchema> | string {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    return `not JSON (${(e as Error).message})`;
  }
  const log = undoLogSchema.safeParse(data);
  if (!log.success) return why(log.error);
  if (log.data.runId !== runId) return `it is the undo log of run ${quote(log.data.runId)}, not of run ${runId} (run.json)`;
  return log.data;
}

/** One entry: its steps checked one by one, those allowed applied; its label when it was replayed, what was refused, what failed. */
async function replayEntry(docker: Docker, radius: BlastRadius, raw: unknown): Promise<{ label?: string; refused: string[]; error?: string }> {
  const entry = undoEntrySchema.safeParse(raw);
  if (!entry.success) return { refused: [oneLine(`refused entry ${shown(raw)}: ${why(entry.error)}`)] };
  const label = oneLine(entry.data.label);
  const allowed: RestoreStep[] = [];
  const refused: string[] = [];
  const refuse = (what: string, reason: string) => refused.push(oneLine(`refused ${what} (${label}): ${reason}`));
  for (const rawStep of entry.data.steps) {
    const step = restoreStepSchema.safeParse(rawStep);
    if (!step.success) {
      refuse(`step ${shown(rawStep)}`, why(step.error));
      continue;
    }
    const check = await checkStep(docker, radius, step.data).catch((e: Error) => ({ refused: e.message }));
    if (check === "apply") allowed.push(step.data);
    else if (check !== "moot") refuse(describeStep(step.data), check.refused);
  }
  try {
    await applySteps(docker, allowed);
  } catch (e) {
    return { refused, error: `undo ${label}: ${(e as Error).message}` };
  }
  return { label, refused };
}

/** Something the log holds, as it is there (shortened). */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** A schema's complaints on one line. */
const why = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.length ? `${formatPath(i.path.map((k) => (typeof k === "number" ? k : String(k))))}: ` : ""}${i.message}`).join("; ");
