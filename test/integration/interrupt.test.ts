import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GenericContainer, Wait, type StartedTestContainer } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_IMAGE } from "../../harness/docker/images.ts";
import { docker, leftovers, readJournal, readRunId, runCli, startCli, tempDir } from "./helpers.ts";

describe("interruptions and leftovers (real Docker)", () => {
  // A container the runs do not own: nothing here may touch it.
  let bystander: StartedTestContainer;
  beforeAll(async () => {
    bystander = await new GenericContainer(BASE_IMAGE)
      .withCommand(["/usr/bin/node", "-e", "console.log('ready'); setInterval(() => {}, 1000)"])
      .withWaitStrategy(Wait.forLogMessage("ready"))
      .start();
  });
  afterAll(async () => {
    await bystander?.stop({ timeout: 1 });
  });
  const bystanderState = async () => (await docker.getContainer(bystander.getId()).inspect()).State;

  it.each(["SIGINT", "SIGTERM"] as const)("%s during a pause: faults undone, containers removed, partial journal, exit 130", async (signal) => {
    const out = tempDir("interrupt");
    const cli = startCli(["run", "test/scenarios/long-pause.yaml", "--out", out]);
    await cli.waitFor(/inject: pause api/);
    cli.child.kill(signal);
    const r = await cli.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    const j = readJournal(out);
    expect(j.verdict).toBe("interrupted");
    expect(j.reasons[0]).toBe(`interrupted by ${signal}; faults were undone and targets removed`);
    expect(j.faults[0]!.injectedAt).not.toBeNull();
    expect(j.faults[0]!.restoredAt).not.toBeNull();
    // Cut short by the interruption: neither recovered nor "never recovered".
    expect(j.faults[0]!.notJudged).toBe("interrupted");
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("| not judged (interrupted) |");
    expect(j.events.map((e) => e.type)).toContain("interrupt");
    expect(j.loadEndedAt! - j.loadStartedAt!).toBeLessThan(30_000);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
    expect(await bystanderState()).toMatchObject({ Running: true, Paused: false });
  });

  it("a second SIGINT still waits for the undo", async () => {
    const out = tempDir("interrupt-twice");
    const cli = startCli(["run", "test/scenarios/long-pause.yaml", "--out", out]);
    await cli.waitFor(/inject: pause api/);
    cli.child.kill("SIGINT");
    await cli.waitFor(/interrupt: SIGINT/);
    cli.child.kill("SIGINT");
    const r = await cli.done;
    expect(r.code).toBe(130);
    expect(await leftovers(readRunId(out))).toEqual({ containers: [], networks: [] });
  });

  it("after a SIGKILL, `steadystate cleanup --run` removes the run's (paused) containers and network, and nothing else", async () => {
    const out = tempDir("sigkill");
    const cli = startCli(["run", "test/scenarios/long-pause.yaml", "--out", out]);
    await cli.waitFor(/inject: pause api/);
    cli.child.kill("SIGKILL");
    await cli.done;
    const runId = readRunId(out);
    const left = await leftovers(runId);
    expect(left.containers).toHaveLength(2);
    expect(left.containers.every((c) => c.endsWith("(paused)"))).toBe(true);
    expect(left.networks).toEqual([`steadystate-${runId}`]);

    const r = await runCli(["cleanup", "--run", runId]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^removed 2 container\(s\), 1 network\(s\)/);
    expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
    expect(await bystanderState()).toMatchObject({ Running: true, Paused: false });
  });
});
