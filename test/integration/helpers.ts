// Runs the real command line in a child process, as a user or CI would.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import type { Journal } from "../../harness/run/journal.ts";

export const ROOT = join(import.meta.dirname, "..", "..");
export const BIN = join(ROOT, "bin", "steadystate.js");
export const docker = new Docker();

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
export const readRunId = (dir: string): string => JSON.parse(readFileSync(join(dir, "run.json"), "utf8")).runId;

/** Containers and networks still labelled with this run id. */
export async function leftovers(runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const filters = JSON.stringify({ label: [`steadystate.run=${runId}`] });
  const containers = (await docker.listContainers({ all: true, filters })).map((c) => `${c.Names[0]} (${c.State})`);
  const networks = (await docker.listNetworks({ filters })).map((n) => n.Name);
  return { containers, networks };
}

/** Volumes still labelled with this run id. */
export async function leftoverVolumes(runId: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`steadystate.run=${runId}`] });
  return ((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => v.Name);
}
