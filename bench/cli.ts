// Runs `steadystate run` as a user does (a child process, the real command line) and reads its journal.
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Journal } from "../harness/contracts/journal.ts";
import { readJournal, startCli } from "../test/integration/helpers.ts";

const ERROR_LINES = 3;

export interface CliRun {
  code: number | null;
  /** From spawning the process to its exit. */
  wallMs: number;
  journal: Journal;
}

/**
 * Starts the run: `child` can be watched from outside while it goes on; `done` is its journal, or an error
 * when it did not pass. `progress` keeps the live progress on stderr, as a CI run has it.
 */
export function startScenarioCli(scenario: string, outDir: string, options: { progress?: boolean } = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const cli = startCli(["run", scenario, "--out", outDir, ...(options.progress ? [] : ["--no-progress"])]);
  const done = cli.done.then((r) => {
    // One line (the bench keeps an item's error on one): the verdict and its first reasons open stdout;
    // without a verdict, the end of stderr says what went wrong.
    if (r.code !== 0) {
      const lines = (text: string) => text.split("\n").filter((l) => l.trim());
      const why = r.stdout.trim() ? lines(r.stdout).slice(0, ERROR_LINES) : lines(r.stderr).slice(-ERROR_LINES);
      throw new Error(`steadystate run ${scenario} exited ${r.code}: ${why.join(" / ")}`);
    }
    return { code: r.code, wallMs: r.wallMs, journal: readJournal(outDir) };
  });
  return { child: cli.child, done };
}

export const runScenarioCli = (scenario: string, outDir: string): Promise<CliRun> => startScenarioCli(scenario, outDir).done;

export const benchScenario = (name: string) => join(import.meta.dirname, "scenarios", name);
