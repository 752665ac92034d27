// Runs the real command line in a child process, as a user or CI would.
import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { expect } from "vitest";
import Docker from "dockerode";
import type { Journal } from "../../harness/contracts/journal.ts";

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
/** A run refused for a missing tool: exit 3, these lines printed, an error journal, no target started. */
export async function expectMissingToolRefusal(scenario: string, env: NodeJS.ProcessEnv, lines: string[]): Promise<void> {
  const out = tempDir("missing-tool");
  const r = await runCli(["run", scenario, "--out", out, "--no-progress"], env);
  expect(r.code, r.stdout + r.stderr).toBe(3);
  for (const line of lines) expect(r.stdout).toContain(line);
  const j = readJournal(out);
  expect(j.verdict).toBe("error");
  expect(j.events.filter((e) => e.type === "target")).toEqual([]);
}

export const readRunId = (dir: string): string => JSON.parse(readFileSync(join(dir, "run.json"), "utf8")).runId;

/** Containers and networks still labelled with this run id. */
export async function leftovers(runId: string): Promise<{ containers: string[]; networks: string[] }> {
  const filters = JSON.stringify({ label: [`steadystate.run=${runId}`] });
  const containers = (await docker.listContainers({ all: true, filters })).map((c) => `${c.Names[0]} (${c.State})`);
  const networks = (await docker.listNetworks({ filters })).map((n) => n.Name);
  return { containers, networks };
}

/** Status of a POST to `url` (no body), or the error code when there was no answer. */
export function httpPost(url: string, timeoutMs = 5_000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

/** Docker's events for one container between two epoch-ms times: `action` and the exit code of "die". */
export async function containerEvents(id: string, sinceMs: number, untilMs = Date.now()): Promise<{ action: string; exitCode?: string }[]> {
  const stream = (await docker.getEvents({
    since: Math.floor(sinceMs / 1_000),
    until: Math.ceil(untilMs / 1_000),
    filters: JSON.stringify({ container: [id] }),
  }));
  let text = "";
  for await (const chunk of stream) text += chunk;
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { Action: string; Actor: { Attributes: Record<string, string> } })
    .map((e) => ({ action: e.Action, ...(e.Actor.Attributes.exitCode ? { exitCode: e.Actor.Attributes.exitCode } : {}) }));
}

/** Host processes (Prometheus, Alertmanager) still carrying this run's id. */
export { runProcesses } from "../../harness/host/processes.ts";

/** Writes `doc` as `dir`/scenario.yaml and returns its path. */
export function writeScenario(dir: string, doc: Record<string, unknown>): string {
  const file = join(dir, "scenario.yaml");
  writeFileSync(file, stringify(doc));
  return file;
}

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

/** Volumes still labelled with this run id. */
export async function leftoverVolumes(runId: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`steadystate.run=${runId}`] });
  return ((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => v.Name);
}
