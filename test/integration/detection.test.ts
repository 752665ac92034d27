// Alert rules as the gate: a rule that cannot fire and a noisy rule fail the run, a broken rule file stops it
// before anything starts, a machine without Prometheus says how to install it, and the user's own
// Prometheus and Alertmanager are polled instead of starting new ones.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertLog } from "../../harness/detect/alert-log.ts";
import { startLocalStack, type LocalStack } from "../../harness/detect/prometheus.ts";
import { startWebhook, type WebhookReceiver } from "../../harness/detect/webhook.ts";
import { Teardown } from "../../harness/contracts/teardown.ts";
import { formatDuration } from "../../harness/contracts/units.ts";
import { leftovers, readJournal, readRunId, ROOT, runCli, runProcesses, startCli, tempDir, expectMissingToolRefusal } from "./helpers.ts";

describe("expected alerts and false alarms (real Prometheus and Alertmanager)", () => {
  it("an expected alert whose rule cannot fire fails the run with exit 1, naming it", async () => {
    const out = tempDir("never-fires");
    const r = await runCli(["run", "test/scenarios/alert-never-fires.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("expected alert ApiNeverFires did not fire within 5s after crash api (SIGKILL main process) (faults[0])");
    const j = readJournal(out);
    expect(j.verdict).toBe("fail");
    expect(j.faults[0]).toMatchObject({ recovered: true, detectedAt: null, detectedBy: null, mttdMs: null });
    expect(j.detection!.expectations).toEqual([{ alert: "ApiNeverFires", fault: "faults[0]", withinMs: 5_000, firedAt: null, delayMs: null, met: false }]);
    expect(runProcesses(j.runId)).toEqual([]);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("a noisy expected alert trips quietBefore and the false_alarms objective (exit 1)", async () => {
    const out = tempDir("noisy");
    const r = await runCli(["run", "test/scenarios/noisy-alert.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const j = readJournal(out);
    expect(j.detection!.falseAlarms.map((a) => a.name)).toEqual(["AlwaysFiring"]);
    expect(j.detection!.falseAlarms[0]!.at).toBeLessThan(j.faults[0]!.injectedAt!);
    expect(j.slo).toEqual([{ objective: "false_alarms < 1", metric: "false_alarms", op: "<", goal: 1, measured: 1, unit: "count", pass: false }]);
    const offset = j.detection!.falseAlarms[0]!.at - j.loadStartedAt!;
    expect(j.reasons).toContain(`false alarm: AlwaysFiring fired at ${offset < 0 ? "−" : "+"}${formatDuration(Math.abs(offset))}, before the first fault (quietBefore)`);
  });

  it("stops before anything runs when promtool rejects a rule file (exit 2)", async () => {
    const dir = tempDir("bad-rules");
    writeFileSync(join(dir, "rules.yml"), "groups:\n  - name: a\n    rules:\n      - alert: Broken\n        expr: sum(rate(x[5s])\n");
    writeFileSync(
      join(dir, "s.yaml"),
      `version: 1\nname: bad-rules\ntargets:\n  api: { build: ${join(ROOT, "fixtures", "api")}, port: 8080 }\nload: { target: api, duration: 5s }\ndetection:\n  prometheus: { rules: rules.yml }\n`,
    );
    const r = await runCli(["validate", join(dir, "s.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `${join(dir, "s.yaml")}:7:24: detection.prometheus.rules: promtool check rules: 5:15: group "a", rule 1, "Broken": could not parse expression: 1:16: parse error: unclosed left parenthesis`,
    );
  });

  it("after a SIGKILL, `cleanup --run` also ends the run's Prometheus and Alertmanager, and nothing else", async () => {
    const out = tempDir("sigkill-prometheus");
    const cli = startCli(["run", "test/scenarios/alert-never-fires.yaml", "--out", out]);
    await cli.waitFor(/load 8s \(/);
    const runId = readRunId(out);
    expect(runProcesses(runId)).toHaveLength(2);
    cli.child.kill("SIGKILL");
    await cli.done;
    const r = await runCli(["cleanup", "--run", runId]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^removed 1 container\(s\), 1 network\(s\), 0 volume\(s\), 2 process\(es\)/);
    for (let i = 0; i < 50 && runProcesses(runId).length; i++) await new Promise((res) => setTimeout(res, 100));
    expect(runProcesses(runId)).toEqual([]);
    expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
  });

  it("exits 3 with the install command when Prometheus is not on the machine, before starting anything", () =>
    expectMissingToolRefusal("test/scenarios/alert-never-fires.yaml", { PATH: "/nonexistent" }, [
      "prometheus and prometheus-alertmanager not found on this machine (detection.prometheus starts them for the run)",
      "fix: apt-get install prometheus prometheus-alertmanager",
    ]));
});

describe("the user's own Prometheus and Alertmanager (polled)", () => {
  // Stand-ins for the user's instances: the same binaries, started here with their own rule.
  const teardown = new Teardown();
  let stack: LocalStack;
  let webhook: WebhookReceiver;
  beforeAll(async () => {
    const dir = tempDir("users-prometheus");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "rules.yml"), "groups:\n  - name: users\n    rules:\n      - alert: UsersOwnAlert\n        expr: vector(1)\n");
    webhook = await startWebhook(new AlertLog());
    stack = await startLocalStack(
      { runId: "test-users-prometheus", runDir: dir, teardown, signal: new AbortController().signal },
      { rules: [join(dir, "rules.yml")], scrapeIntervalMs: 1_000, evaluationIntervalMs: 1_000, sli: "127.0.0.1:9", webhookUrl: webhook.url, targets: [] },
    );
    // Until Alertmanager holds the alert, there is nothing to poll.
    for (let i = 0; i < 50; i++) {
      const alerts = (await (await fetch(`${stack.alertmanagerUrl}/api/v2/alerts`)).json()) as unknown[];
      if (alerts.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    await teardown.unwind();
    await webhook.close();
  });

  it("sees the alerts firing there and queries that Prometheus, starting none of its own", async () => {
    const dir = tempDir("external");
    writeFileSync(
      join(dir, "s.yaml"),
      [
        "version: 1",
        "name: external-alerts",
        "targets:",
        `  api: { build: ${join(ROOT, "fixtures", "api")}, port: 8080, health: { path: /healthz } }`,
        "load: { target: api, path: /work, connections: 2, rate: 50, duration: 4s }",
        "detection:",
        `  prometheus: { url: "${stack.prometheusUrl}", alertmanagerUrl: "${stack.alertmanagerUrl}", pollInterval: 500ms }`,
        "  detectors:",
        "    - { name: users-query, kind: threshold, query: 'vector(5)', op: '>', value: 1 }",
        "",
      ].join("\n"),
    );
    const out = tempDir("external-run");
    const r = await runCli(["run", join(dir, "s.yaml"), "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const firing = j.alerts.filter((a) => a.state === "firing");
    expect(firing.find((a) => a.name === "UsersOwnAlert")?.labels).toEqual({ alertname: "UsersOwnAlert" });
    expect(firing.find((a) => a.name === "users-query")?.labels).toEqual({ detector: "threshold", signal: "query vector(5)" });
    expect(j.detection).toMatchObject({ prometheusUrl: stack.prometheusUrl, alertmanagerUrl: stack.alertmanagerUrl });
    expect(j.files["prometheus config"]).toBeUndefined();
    expect(runProcesses(j.runId)).toEqual([]);
  });
});
