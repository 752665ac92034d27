// Runs killed at random moments, as CI and people do: SIGINT/SIGTERM must undo every fault and remove
// everything the run created; after a SIGKILL, `steadystate cleanup --run` must. Only run-owned targets
// here. The seed is printed: KILL_SEED=<seed> replays the same moments.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { afterAll, describe, expect, it } from "vitest";
import { sleep } from "../../harness/contracts/time.ts";
import { scaled } from "../soak.ts";
import { leftovers, leftoverVolumes, readJournal, readRunId, runCli, startCli, tempDir } from "./helpers.ts";

const SCENARIO = "test/scenarios/kill-target.yaml";
// From run.json (written before anything is created) to the end of teardown: set-up ~2 s, load 8 s,
// read-back and removal ~1.5 s. Moments are drawn over all of it; one that lands after the run has ended
// (a fast machine) is drawn again inside the lifetime that run had, so that every kill is delivered.
const SPAN_MS = 12_000;
const ATTEMPTS = 3;
const SEED = Number(process.env.KILL_SEED ?? Date.now() % 2 ** 31);
const rng = xoroshiro128plus(SEED);
const GRACEFUL = scaled(3, 50);
const SIGKILLS = scaled(1, 10);

type Kill = { signal: NodeJS.Signals; afterMs: number };
const plan: Kill[] = [
  ...Array.from({ length: GRACEFUL }, (): Kill => ({ signal: uniformInt(rng, 0, 1) ? "SIGINT" : "SIGTERM", afterMs: uniformInt(rng, 0, SPAN_MS) })),
  ...Array.from({ length: SIGKILLS }, (): Kill => ({ signal: "SIGKILL", afterMs: uniformInt(rng, 0, SPAN_MS) })),
];
const runIds: string[] = [];
const outcomes: Record<string, number> = {};
const delivered = { graceful: 0, sigkill: 0 };
const redrawn: string[] = [];

async function waitForFile(file: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} did not appear within ${timeoutMs}ms`);
    await sleep(20);
  }
}

async function expectNothingLeft(runId: string): Promise<void> {
  expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
  expect(await leftoverVolumes(runId)).toEqual([]);
}

/** One run, `signal` sent `afterMs` after run.json appears; whether it reached the run, and how long the run lived. */
async function killedRun(signal: NodeJS.Signals, afterMs: number): Promise<{ delivered: boolean; lifetimeMs: number }> {
  const out = tempDir("kill");
  const cli = startCli(["run", SCENARIO, "--out", out, "--no-progress"]);
  await waitForFile(join(out, "run.json"), 30_000);
  const started = Date.now();
  const runId = readRunId(out);
  runIds.push(runId);
  await sleep(afterMs);
  const sent = cli.child.exitCode === null && cli.child.kill(signal);
  const r = await cli.done;
  const lifetimeMs = Date.now() - started;

  if (signal === "SIGKILL") {
    const c = await runCli(["cleanup", "--run", runId]);
    expect(c.code, c.stderr).toBe(0);
    const key = sent ? "SIGKILL + cleanup" : "SIGKILL: after the end";
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  } else {
    // A handled signal always leaves a journal; an interrupted run exits 130.
    const j = readJournal(out);
    if (j.verdict === "interrupted") {
      expect(r.code, r.stdout + r.stderr).toBe(130);
      expect(j.reasons[0]).toBe(`interrupted by ${signal}; faults were undone and targets removed`);
      // Every fault that was injected and is a window was undone.
      for (const f of j.faults.filter((x) => x.injectedAt !== null && x.durationMs !== null)) expect(f.restoredAt, f.description).not.toBeNull();
    } else {
      // The signal came after the run had finished its work (or not at all): it ended on its own.
      expect([0, 1, null]).toContain(r.code);
    }
    const key = !sent ? `${signal}: after the end` : j.verdict === "interrupted" ? `${signal}: interrupted` : `${signal}: during the last writes`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  expect(r.stderr).not.toMatch(/internal error/);
  await expectNothingLeft(runId);
  return { delivered: sent, lifetimeMs };
}

describe(`kill tests on run-owned targets: ${GRACEFUL} SIGINT/SIGTERM, ${SIGKILLS} SIGKILL + cleanup (KILL_SEED=${SEED})`, () => {
  afterAll(() => {
    console.log(`kill tests (KILL_SEED=${SEED}): ${JSON.stringify(outcomes)}; runs: ${runIds.length}${redrawn.length ? `; drawn again: ${redrawn.join(", ")}` : ""}`);
  });

  it.each(plan.map((k, i) => ({ ...k, name: `${i + 1}: ${k.signal} after ${k.afterMs}ms` })))("$name", async ({ signal, afterMs, name }) => {
    let moment = afterMs;
    for (let attempt = 1; ; attempt++) {
      const r = await killedRun(signal, moment);
      if (r.delivered) {
        delivered[signal === "SIGKILL" ? "sigkill" : "graceful"]++;
        return;
      }
      expect(attempt, `${name}: the run kept ending before its kill (last moment ${moment}ms, run lived ${r.lifetimeMs}ms)`).toBeLessThan(ATTEMPTS);
      // The run ended first: a moment inside the lifetime it had (half a second short of it).
      moment = uniformInt(rng, 0, Math.max(0, r.lifetimeMs - 500));
      redrawn.push(`${name.split(":")[0]} → ${moment}ms (the run lived ${r.lifetimeMs}ms)`);
    }
  });

  it("delivered every kill, and left nothing labelled with any of these runs", async () => {
    expect(delivered).toEqual({ graceful: GRACEFUL, sigkill: SIGKILLS });
    for (const runId of runIds) await expectNothingLeft(runId);
    expect(runIds.length).toBeGreaterThanOrEqual(plan.length);
  });
});
