// Detection and self-healing end to end, with a real Prometheus and Alertmanager (Debian packages), the
// built-in detectors live, and a healer acting on Docker; then every repair action behind a real HAProxy.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Journal } from "../../harness/run/journal.ts";
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
  }, 240_000);

  it("ApiDown fires after each fault within for + 2 × evaluation interval + 1 s, and the expectations are met", () => {
    // Rule `for: 1s`, evaluation 1s: pending at the first evaluation after a scrape that saw the probe fail,
    // firing one evaluation later; the probe (250 ms), the scrape and the webhook fit in the last second.
    const bound = 1_000 + 2 * 1_000 + 1_000;
    for (const f of healed.faults) {
      expect(f.detectedBy, f.id).toBe("ApiDown");
      expect(f.mttdMs, f.id).toBeGreaterThan(0);
      expect(f.mttdMs, f.id).toBeLessThanOrEqual(bound);
      expect(f.detectedAt).toBe(f.injectedAt! + f.mttdMs!);
    }
    expect(healed.detection!.expectations.map((e) => [e.alert, e.fault, e.met])).toEqual([
      ["ApiDown", "faults[0]", true],
      ["ApiDown", "faults[1]", true],
    ]);
    expect(healed.detection!.falseAlarms).toEqual([]);
    expect(healed.slo.map((s) => [s.metric, s.pass])).toEqual([
      ["mttd", true],
      ["mttr", true],
      ["false_alarms", true],
      ["availability", true],
      ["error_budget_burn", true],
    ]);
    expect(stdout).toMatch(/detected by\s+MTTD\s+action/);
  });

  it("each built-in detector fires within two evaluation windows of each fault", () => {
    // The first window that is mostly failures closes at most two evaluations (1 s each) after the
    // injection; one bucket (100 ms) and the loop's wake-up lateness on a busy machine on top.
    for (const f of healed.faults) {
      for (const name of ["errors-threshold", "errors-ksigma", "errors-ewma", "errors-cusum"]) {
        const first = healed.alerts.find((a) => a.name === name && a.state === "firing" && a.at >= f.injectedAt!);
        expect(first, `${name} after ${f.id}`).toBeDefined();
        expect(first!.at - f.injectedAt!, `${name} after ${f.id}`).toBeLessThanOrEqual(2 * 1_000 + 100 + 400);
        expect(first!.labels).toMatchObject({ signal: "error_rate of load" });
      }
    }
  });

  it("journals the healer's restart after each detection and splits MTTR into detect, act, recover", () => {
    expect(healed.heal.map((h) => [h.on, h.action, h.target, h.ok])).toEqual([
      ["ApiDown", "restart", "api", true],
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
    expect(healed.events.filter((e) => e.type === "heal")).toHaveLength(2);
  });

  it("the healer shortens MTTR compared with the same scenario without it", () => {
    const [stopWith, crashWith] = healed.faults;
    const [stopWithout, crashWithout] = unhealed.faults;
    expect(unhealed.heal).toEqual([]);
    expect(unhealed.verdict).toBe("fail");
    // Without the healer the stopped api comes back only when the 10 s window ends; the crashed one never.
    expect(stopWithout!.mttrMs).toBeGreaterThanOrEqual(10_000);
    expect(stopWith!.mttrMs).toBeLessThan(stopWithout!.mttrMs! - 3_000);
    expect(crashWithout).toMatchObject({ recovered: false, mttrMs: null });
    expect(crashWith!.recovered).toBe(true);
    expect(unhealed.reasons).toContain("crash api (SIGKILL main process) never recovered: the steady-state hypothesis did not hold for 2000ms before the load ended");
  });

  it("records container stats every second, keeps configs and logs in the run folder, leaves nothing behind", async () => {
    const [name, series] = Object.entries(healed.resources)[0]!;
    expect(series.target).toBe("api");
    const loadS = (healed.loadEndedAt! - healed.loadStartedAt!) / 1_000;
    expect(series.samples.length).toBeGreaterThanOrEqual(Math.floor(loadS * 0.9));
    const gaps = series.samples.slice(1).map((s, i) => s.at - series.samples[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(1_600); // Docker streams one sample per ~1 s
    expect(series.samples.at(-1)!.restarts).toBe(2); // started again by the healer, twice
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
