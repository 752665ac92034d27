// What the integration tests share: the real command line in a child process (bench/cli.ts, as the bench runs
// it), Docker leftovers of a run, container events, small HTTP calls.
import { request } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { expect } from "vitest";
import Docker from "dockerode";
import { sleep } from "../../harness/contracts/time.ts";
import { BIN, readJournal, ROOT, runCli, scenarioVariant, startCli, tempDir, type Cli, type CliResult } from "../../bench/cli.ts";

export { BIN, readJournal, ROOT, runCli, scenarioVariant, startCli, tempDir, type Cli, type CliResult };

export const docker = new Docker();

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

/**
 * Polls `check` every 100 ms until it holds; fails saying `what` after `timeoutMs`. A deadline, not a sleep:
 * a busy machine takes longer, and the test waits for it.
 */
export async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs}ms`);
    await sleep(100);
  }
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

/** Volumes still labelled with this run id. */
export async function leftoverVolumes(runId: string): Promise<string[]> {
  const filters = JSON.stringify({ label: [`steadystate.run=${runId}`] });
  return ((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => v.Name);
}
