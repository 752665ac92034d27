// Finishes what a killed run left: first the undo log of its run folder (faults on containers the run does
// not own, helper processes, fill files), then the labelled containers and networks it created.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import { isHarnessAlive } from "../host/run-owner.ts";
import { InfraError } from "../contracts/errors.ts";
import { cleanup, type CleanupResult } from "../targets/cleanup.ts";
import { replayUndoLog } from "./undo-log.ts";

export interface RunCleanupResult extends CleanupResult {
  runId: string;
  /** Labels of the injections whose undo was replayed from undo.json. */
  undone: string[];
}

/** The default run folder of a run id (see orchestrator), when it exists here. */
export const defaultRunDir = (runId: string) => join("steadystate-runs", runId);

export async function cleanupRun(docker: Docker, runDir: string): Promise<RunCleanupResult> {
  const runFile = join(runDir, "run.json");
  if (!existsSync(runFile)) throw new InfraError(`${runDir} is not a run folder (no run.json)`, "give the folder passed to `steadystate run --out`");
  const { runId, pid } = JSON.parse(readFileSync(runFile, "utf8")) as { runId: string; pid: number };
  if (isHarnessAlive(pid)) {
    throw new InfraError(`run ${runId} is still running (pid ${pid})`, `interrupt it instead (kill -INT ${pid}): it undoes its faults itself`);
  }
  const replayed = await replayUndoLog(docker, runDir);
  const removed = await cleanup(docker, runId);
  return { runId, undone: replayed.undone, ...removed, errors: [...replayed.errors, ...removed.errors] };
}
