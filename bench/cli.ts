// Runs `steadystate run` as a user does (a child process, the real command line) and reads its journal.
import { join } from "node:path";
import type { Journal } from "../harness/run/journal.ts";
import { readJournal, runCli } from "../test/integration/helpers.ts";

export interface CliRun {
  code: number | null;
  /** From spawning the process to its exit. */
  wallMs: number;
  journal: Journal;
}

export async function runScenarioCli(scenario: string, outDir: string): Promise<CliRun> {
  const r = await runCli(["run", scenario, "--out", outDir, "--no-progress"]);
  if (r.code !== 0) throw new Error(`steadystate run ${scenario} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return { code: r.code, wallMs: r.wallMs, journal: readJournal(outDir) };
}

export const benchScenario = (name: string) => join(import.meta.dirname, "scenarios", name);
