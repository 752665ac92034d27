// Detection and self-healing end to end, with a real Prometheus and Alertmanager (Debian packages), the
// built-in detectors live, and a healer acting on Docker; then every repair action behind a real HAProxy.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Journal } from "../../harness/contracts/journal.ts";
import { leftovers, readJournal, runCli, runProcesses, scenarioVariant, tempDir } from "./helpers.ts";

describe("detect-and-heal (real Prometheus, Alertmanager, Docker)", () => {
  let healed: Journal;
  let healedDir: string;
  let unhealed: Journal;
  let stdout: string;

  beforeAll(async () => {
    healedDir = tempDir("detect-heal");
    const r = await runCli(["run", "scenarios/detect-and-heal.yaml", "--out", healedDir, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    stdout = r.stdout;
    healed = readJournal(healedDir);
    const withoutHealer = scenarioVariant("scenarios/detect-and-heal.yaml", (doc) => {
      delete doc.heal;
    });
    const out = tempDir("detect-no-heal");
    await runCli(["run", withoutHealer, "--out", out, "--no-progress"]);
    unhealed = readJournal(out);
  }, 300_000);

  const byKind = (j: Journal, kind: string) => j.faults.find((f) => f.kind === kind)!;
  const outages = (j: Journal) => j.faults.filter((f) => f.kind !== "memory-hog");
  const MEMORY_LIMIT = 96 * 1024 ** 2;

  it("ApiDown fires after the stop and the crash within for + 2 × evaluation interval + 1 s, and the expectations are met", () => {
    // Rule `for: 1s`, evaluation 1s: pending at the first evaluation after a scrape that saw the probe fail,
    // firing one evaluation later; the probe (250 ms), the scrape and the webhook fit in the last second.
    const bound = 1_000 + 2 * 1_000 + 1_000;
    expect(healed.faults.map((f) => f.kind)).toEqual(["stop", "memory-hog", "crash"]);
    for (const f of outages(healed)) {
      expect(f.detectedBy, f.id).toBe("ApiDown");
      expect(f.mttdMs, f.id).toBeGreaterThan(0);
      expect(f.mttdMs, f.id).toBeLessThanOrEqual(bound);
      expect(f.detectedAt).toBe(f.injectedAt! + f.mttdMs!);
    }
    expect(healed.detection!.expectations.map((e) => [e.alert, e.fault, e.met])).toEqual([
      ["ApiDown", "faults[0]", true],
      ["memory-high", "faults[1]", true],
      ["ApiDown", "faults[2]", true],
    ]);
    expect(healed.detection!.falseAlarms).toEqual([]);
    expect(healed.slo.map((s) => [s.metric, s.pass])).toEqual([
      ["mttd", true],
      ["mttr", true],
      ["false_alarms", true],
      ["availability", true],
      ["error_budget_burn", true],
    ]);
    expect(healed.slo.at(-1)!.basis).toBe("burn rate: the period is the run");
    expect(stdout).toMatch(/detected by\s+MTTD\s+action/);
  });

  it("the memory detector sees the leak within a stats sample and an evaluation, on the api's memory", () => {
    const leak = byKind(healed, "memory-hog");
    expect(leak.detectedBy).toBe("memory-high");
    // The limit is crossed within about half a second of writing (160 MiB take about a second on a busy
    // machine); Docker samples about every second and the detector reads the latest sample every second:
    // one of each on top, and the loop's lateness.
    expect(leak.mttdMs).toBeGreaterThan(0);
    expect(leak.mttdMs).toBeLessThanOrEqual(1_000 + 1_000 + 1_000);
    const firing = healed.alerts.find((a) => a.name === "memory-high" && a.state === "firing")!;
    expect(firing).toMatchObject({ at: leak.detectedAt, labels: { detector: "threshold", signal: "memory of api" } });
    // Samples: below the limit before the leak, above it once it is charged.
    const samples = Object.values(healed.resources)[0]!.samples;
    expect(samples.filter((x) => x.at < leak.injectedAt!).every((x) => x.memoryBytes < MEMORY_LIMIT)).toBe(true);
    expect(samples.some((x) => x.at >= leak.injectedAt! && x.at <= leak.detectedAt! && x.memoryBytes > MEMORY_LIMIT)).toBe(true);
    expect(leak.localisation).toMatchObject({ target: "api", signal: "memory", matchesInjected: true });
  });

  it("each built-in error detector fires within two evaluation windows of the stop and the crash", () => {
    // The first window that is mostly failures closes at most two evaluations (1 s each) after the
    // injection; one bucket (100 ms) and the loop's wake-up lateness on a busy machine on top.
    for (const f of outages(healed)) {
      for (const name of ["errors-threshold", "errors-ksigma", "errors-ewma", "errors-cusum"]) {
        const first = healed.alerts.find((a) => a.name === name && a.state === "firing" && a.at >= f.injectedAt!);
        expect(first, `${name} after ${f.id}`).toBeDefined();
        expect(first!.at - f.injectedAt!, `${name} after ${f.id}`).toBeLessThanOrEqual(2 * 1_000 + 100 + 400);
        expect(first!.labels).toMatchObject({ signal: "error_rate of load" });
      }
    }
  });

  it("journals the healer's restart after each detection and splits MTTR into detect, act, recover", () => {
    // stableFor (3 s) outlasts the leak's detection: the outage of the restart it triggers is the leak's
    // impact, so every fault recovers after its action.
    expect(healed.heal.map((h) => [h.on, h.action, h.target, h.ok])).toEqual([
      ["ApiDown", "restart", "api", true],
      ["memory-high", "restart", "api", true],
      ["ApiDown", "restart", "api", true],
    ]);
    for (const f of healed.faults) {
      expect(f.action, f.id).toBe("restart");
      expect(f.actionAt, f.id).toBeGreaterThanOrEqual(f.detectedAt!);
      expect(f.mttaMs, f.id).toBe(f.actionAt! - f.detectedAt!);
      expect(f.mttaMs, f.id).toBeLessThan(1_000); // the healer acts on the notification itself
      expect(f.recoveredAt, f.id).toBeGreaterThan(f.actionAt!);
      expect(f.localisation, f.id).toMatchObject({ target: "api", matchesInjected: true });
    }
    expect(healed.heal[1]!.at).toBe(byKind(healed, "memory-hog").actionAt);
    // The restart for the leak may make ApiDown fire for a moment: the cooldown keeps that from a second restart.
    const echoes = healed.alerts.filter((a) => a.name === "ApiDown" && a.state === "firing" && a.at > healed.heal[1]!.at && a.at < byKind(healed, "crash").injectedAt!);
    const heldBack = healed.events.filter((e) => e.type === "heal" && / not acting on ApiDown, an action on api ended \d+ms ago \(cooldown 5s\)$/.test(e.message));
    expect(heldBack).toHaveLength(echoes.length);
    expect(healed.events.filter((e) => e.type === "heal" && /: restarted ss-/.test(e.message))).toHaveLength(3);
  });

  it("the healer shortens MTTR and frees the leaked memory, compared with the same scenario without it", () => {
    const [stopWith, leakWith, crashWith] = healed.faults;
    const [stopWithout, leakWithout, crashWithout] = unhealed.faults;
    expect(unhealed.heal).toEqual([]);
    expect(unhealed.verdict).toBe("fail");
    // Without the healer the stopped api comes back only when the 10 s window ends; the crashed one never.
    expect(stopWithout!.mttrMs).toBeGreaterThanOrEqual(10_000);
    expect(stopWith!.mttrMs).toBeLessThan(stopWithout!.mttrMs! - 3_000);
    expect(crashWithout).toMatchObject({ recovered: false, mttrMs: null });
    expect(crashWith!.recovered).toBe(true);
    expect(unhealed.reasons).toContain("crash api (SIGKILL main process) never recovered: the steady-state hypothesis did not hold for 3000ms before the load ended");
    // The leak: memory-high resolves within seconds of the restart with the healer (a sample of the new
    // container, an evaluation, the restart itself), and only once the fault is undone without it.
    const resolvedAfter = (j: Journal, at: number) => j.alerts.find((a) => a.name === "memory-high" && a.state === "resolved" && a.at > at)?.at;
    expect(resolvedAfter(healed, leakWith!.actionAt!)! - leakWith!.actionAt!).toBeLessThanOrEqual(2_000 + 1_000 + 1_000);
    expect(resolvedAfter(healed, leakWith!.actionAt!)!).toBeLessThan(leakWith!.restoredAt!);
    expect(leakWithout!.detectedBy).toBe("memory-high");
    expect(resolvedAfter(unhealed, leakWithout!.injectedAt!)!).toBeGreaterThan(leakWithout!.restoredAt!);
  });

  it("records container stats in order throughout the faults, keeps configs and logs in the run folder, leaves nothing behind", async () => {
    const [name, series] = Object.entries(healed.resources)[0]!;
    expect(series.target).toBe("api");
    const at = series.samples.map((s) => s.at);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    // From before the first injection to after the last recovery: the stream lives across the healer's restarts.
    expect(at[0]).toBeLessThanOrEqual(healed.faults[0]!.injectedAt!);
    expect(at.at(-1)).toBeGreaterThanOrEqual(Math.max(...healed.faults.map((f) => f.recoveredAt!)));
    // Docker sends about one sample a second, late by as much as a busy daemon is: a gap of five seconds is
    // no lateness but a stream that stopped.
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.max(...gaps)).toBeLessThan(5 * 1_000);
    expect(series.samples.at(-1)!.restarts).toBe(3); // started again by the healer, three times
    expect(name).toMatch(/-api-0$/);
    for (const file of ["prometheus.yml", "prometheus.log", "alertmanager.yml", "alertmanager.log", "targets.json"]) {
      expect(existsSync(join(healedDir, "prometheus", file)), file).toBe(true);
    }
    // The generated configuration is one Prometheus itself accepts.
    execFileSync("promtool", ["check", "config", join(healedDir, "prometheus", "prometheus.yml")], { stdio: "pipe" });
    expect(healed.files["prometheus config"]).toBe("prometheus/prometheus.yml");
    expect(runProcesses(healed.runId)).toEqual([]);
    expect(await leftovers(healed.runId)).toEqual({ containers: [], networks: [] });
  });
});

describe("repair actions behind HAProxy (real Docker)", () => {
  it("replaces a crashed replica, scales out and raises limits; the balancer admits the new replicas", async () => {
    const out = tempDir("heal-actions");
    const r = await runCli(["run", "test/scenarios/heal-actions.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    expect(j.heal.map((h) => [h.action, h.ok, h.error])).toEqual([
      ["replace", true, undefined],
      ["scale", true, undefined],
      ["resources", true, undefined],
    ]);
    const run = j.runId;
    expect(j.heal.map((h) => h.detail)).toEqual([
      `replaced ss-${run}-api-0`,
      `added ss-${run}-api-1 (2 replicas)`,
      `updated limits of ss-${run}-api-0, ss-${run}-api-1`,
    ]);
    const balancer = j.events.filter((e) => e.type === "balancer").map((e) => e.message.replace(/ \(.*\)$/, ""));
    expect(balancer).toContain("api-0 ejected by the balancer");
    expect(balancer).toContain("api-0 back in rotation");
    expect(balancer).toContain("api-1 added to the rotation");
    // The replaced container's log is kept beside its successor's.
    expect(j.targets.api!.replicas.map((x) => x.log).sort()).toEqual(["logs/api-0.1.log", "logs/api-0.log", "logs/api-1.log"]);
    expect(Object.keys(j.resources).sort()).toEqual([`ss-${run}-api-0`, `ss-${run}-api-1`]);
    expect(j.faults[0]).toMatchObject({ detectedBy: "users-locked-out", action: "replace", recovered: true });
    expect(await leftovers(run)).toEqual({ containers: [], networks: [] });
  });
});
