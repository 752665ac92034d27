// Runs `steadystate` as a user does (a child process, the real command line) and reads its journal; the
// integration tests drive the CLI through the same functions.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, resolve, join } from "node:path";
import { parse, stringify } from "yaml";
import type { Journal } from "../harness/contracts/journal.ts";

export const ROOT = join(import.meta.dirname, "..");
export const BIN = join(ROOT, "bin", "steadystate.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

export interface Cli {
  child: ChildProcess;
  /** Resolves when stderr or stdout has printed text matching the pattern. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Cli {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = "";
  let stderr = "";
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...watchers]) {
      if (w.pattern.test(stdout + stderr)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout!.on("data", (d) => ((stdout += d), check()));
  child.stderr!.on("data", (d) => ((stderr += d), check()));
  const done = new Promise<CliResult>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, wallMs: Date.now() - started })),
  );
  return {
    child,
    done,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}\n${stdout}\n${stderr}`)), timeoutMs);
        watchers.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
        check();
      }),
  };
}

export const runCli = (args: string[], env?: NodeJS.ProcessEnv) => startCli(args, env).done;

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `steadystate-${prefix}-`));

export const readJournal = (dir: string): Journal => JSON.parse(readFileSync(join(dir, "journal.json"), "utf8"));

/** Writes a copy of a scenario with `edit` applied into a temporary folder, relative paths made absolute. */
export function scenarioVariant(file: string, edit: (doc: Record<string, any>) => void): string {
  const src = join(ROOT, file);
  const doc = parse(readFileSync(src, "utf8")) as Record<string, any>;
  const abs = (p: string) => resolve(dirname(src), p);
  for (const t of Object.values(doc.targets as Record<string, { build?: string }>)) if (t.build) t.build = abs(t.build);
  const rules = doc.detection?.prometheus?.rules;
  if (rules) doc.detection.prometheus.rules = Array.isArray(rules) ? rules.map(abs) : abs(rules);
  edit(doc);
  const out = join(tempDir("scenario"), basename(file));
  writeFileSync(out, stringify(doc));
  return out;
}

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
