// Finishes what a killed run left: first the undo log of its run folder (faults on containers the run does
// not own, helper processes, fill files), then the labelled containers and networks it created.
import { join } from "node:path";
import type Docker from "dockerode";
import { isHarnessAlive } from "../host/run-owner.ts";
import { InfraError } from "../contracts/errors.ts";
import { cleanup, type CleanupResult } from "../targets/cleanup.ts";
import { readRunFile } from "./run-file.ts";
import { replayUndoLog } from "./undo-log.ts";

export interface RunCleanupResult extends CleanupResult {
  runId: string;
  /** Labels of the injections whose undo was replayed from undo.json. */
  undone: string[];
  /** Steps of undo.json refused (not what a fault of this run writes), one line each. */
  refused: string[];
}

/** The default run folder of a run id (see orchestrator), when it exists here. */
export const defaultRunDir = (runId: string) => join("steadystate-runs", runId);

export async function cleanupRun(docker: Docker, runDir: string): Promise<RunCleanupResult> {
  const { runId, pid, external } = readRunFile(runDir);
  if (isHarnessAlive(pid)) {
    throw new InfraError(`run ${runId} is still running (pid ${pid})`, `interrupt it instead (kill -INT ${pid}): it undoes its faults itself`);
  }
  const replayed = await replayUndoLog(docker, runDir, { runId, external: new Set(external) });
  const removed = await cleanup(docker, runId);
  return { runId, undone: replayed.undone, refused: replayed.refused, ...removed, errors: [...replayed.errors, ...removed.errors] };
}
