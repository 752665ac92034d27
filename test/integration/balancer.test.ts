// Replicas behind a real HAProxy (Debian's binary packed into an image): availability through the balancer
// while one replica crashes and another freezes, and the balancer's ejection and return of each.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECK } from "../../harness/balancer/haproxy-config.ts";
import { loadScenario } from "../../harness/scenario/parse.ts";
import { leftovers, readJournal, ROOT, runCli, tempDir } from "./helpers.ts";

// How long each replica takes to listen after a start (the api fixture's knob, set by the scenario).
const BOOT_DELAY_MS = Number(loadScenario(join(ROOT, "scenarios", "lb-replicas.yaml")).targets.api!.env.BOOT_DELAY_MS);

describe("lb-replicas (real HAProxy)", () => {
  it("keeps availability high while one replica of three crashes and another freezes; reports ejection and return", async () => {
    const out = tempDir("lb");
    const r = await runCli(["run", "scenarios/lb-replicas.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    expect(j.metrics.availability.request).toBeGreaterThanOrEqual(0.98);
    const [crash, pause] = j.faults;
    const changes = j.events.filter((e) => e.type === "balancer");
    const change = (server: string, what: RegExp, after: number) => changes.find((e) => e.message.startsWith(`${server} `) && what.test(e.message) && e.at >= after);
    const victim = (name: string) => name.replace(/^ss-[\w-]+?-(api-\d+)$/, "$1");

    // Frozen: each health check times out after `inter` (no `timeout check`), the next one starts `inter`
    // after that, and `fall` failures in a row eject it: at most inter + (2·fall − 1)·inter after the
    // freeze, plus one interval for the freezer and the scheduling of HAProxy's own timers.
    const frozen = victim(pause!.victims[0]!);
    const ejected = change(frozen, /ejected/, pause!.injectedAt!);
    expect(ejected, JSON.stringify(changes)).toBeDefined();
    expect(ejected!.at - pause!.injectedAt!).toBeLessThanOrEqual((2 * CHECK.fall + 1) * CHECK.interMs);
    // Thawed: a check still waiting ends within `inter`, then `rise` passing checks `inter` apart put it
    // back; one interval of slack as above.
    const back = change(frozen, /back in rotation/, pause!.restoredAt!);
    expect(back).toBeDefined();
    expect(back!.at - pause!.restoredAt!).toBeLessThanOrEqual((1 + CHECK.rise + 1) * CHECK.interMs);

    // Crashed: while the restart policy starts it again its address answers nothing, so each check times
    // out as for a frozen replica (a refused one fails sooner): ejected within the same bound. It listens
    // BOOT_DELAY_MS after the start (its log's `state: up at`); `rise` passing checks put it back within
    // (rise + 1)·inter of that, plus one interval.
    const crashed = victim(crash!.victims[0]!);
    const crashedEjected = change(crashed, /ejected/, crash!.injectedAt!);
    expect(crashedEjected, JSON.stringify(changes)).toBeDefined();
    expect(crashedEjected!.at - crash!.injectedAt!).toBeLessThanOrEqual((2 * CHECK.fall + 1) * CHECK.interMs);
    const log = readFileSync(join(out, j.targets.api!.replicas.find((x) => x.name === crash!.victims[0])!.log), "utf8");
    const ups = [...log.matchAll(/state: up at (\d+)/g)].map((m) => Number(m[1]));
    expect(ups).toHaveLength(2); // first start, and the restart after the crash
    const upAgain = ups[1]!;
    expect(upAgain - crash!.injectedAt!).toBeGreaterThanOrEqual(BOOT_DELAY_MS);
    expect(crashedEjected!.at).toBeLessThan(upAgain);
    const crashedBack = change(crashed, /back in rotation/, crashedEjected!.at);
    expect(crashedBack, JSON.stringify(changes)).toBeDefined();
    expect(crashedBack!.at).toBeGreaterThan(upAgain);
    expect(crashedBack!.at - upAgain).toBeLessThanOrEqual((CHECK.rise + 2) * CHECK.interMs);
    expect(crashedBack!.at).toBeLessThan(pause!.injectedAt!);
    expect(j.faults.every((f) => f.recovered)).toBe(true);

    // The generated configuration is one HAProxy accepts.
    execFileSync("haproxy", ["-c", "-f", join(out, "balancer", "api", "haproxy.cfg")], { stdio: "pipe" });
    expect(j.files).toMatchObject({ [`log ss-${j.runId}-api-lb`]: "logs/api-lb.log" });
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });
});
