// A run folder's run.json: written first (before anything starts), so that after a SIGKILL `steadystate
// cleanup` knows the run, whether its harness is still alive, and which containers its undo log may touch.
// Written whole or not at all (renamed into place); read as untrusted input, like the whole folder.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InfraError } from "../contracts/errors.ts";

export const RUN_FILE = "run.json";

const runFileSchema = z.object({
  runId: z.string().regex(/^[\w-]+$/),
  pid: z.number().int(),
  scenario: z.string(),
  startedAt: z.number(),
  /**
   * Ids of the containers the scenario names (`container:` targets), recorded once they are found and
   * before any fault: with the run's labelled ones, the only containers its undo log may touch.
   */
  external: z.array(z.string()).default([]),
});
export type RunFile = z.infer<typeof runFileSchema>;

export function writeRunFile(runDir: string, run: RunFile): void {
  const file = join(runDir, RUN_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(run, null, 2) + "\n");
  renameSync(`${file}.tmp`, file);
}

export function readRunFile(runDir: string): RunFile {
  const file = join(runDir, RUN_FILE);
  if (!existsSync(file)) throw new InfraError(`${runDir} is not a run folder (no ${RUN_FILE})`, "give the folder passed to `steadystate run --out`");
  const parsed = runFileSchema.safeParse(parseJson(readFileSync(file, "utf8")));
  if (!parsed.success) throw new InfraError(`${file} is not a run's ${RUN_FILE}: ${z.prettifyError(parsed.error).replace(/\n/g, " ")}`, "give the folder passed to `steadystate run --out`");
  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
