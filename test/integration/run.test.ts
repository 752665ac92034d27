import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, readJournal, runCli, tempDir } from "./helpers.ts";

describe("steadystate run (real Docker)", () => {
  it("quickstart: the restart policy heals a crash, the api survives a pause, the SLOs hold (exit 0)", async () => {
    const out = tempDir("quickstart");
    const r = await runCli(["run", "scenarios/quickstart.yaml", "--out", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^quickstart: PASS/);
    expect(r.stdout).toMatch(/objective\s+goal\s+measured\s+result/);

    const j = readJournal(out);
    expect(j.verdict).toBe("pass");
    expect(j.slo.map((s) => [s.metric, s.pass])).toEqual([
      ["availability", true],
      ["p99", true],
      ["mttr", true],
    ]);
    const [crash, pause] = j.faults;
    // Plausible: the engine restarts a SIGKILLed container in well under a second, node boots in ~0.5 s.
    expect(crash!.mttrMs).toBeGreaterThan(200);
    expect(crash!.mttrMs).toBeLessThan(5_000);
    expect(crash!.impactStartAt).toBeGreaterThanOrEqual(crash!.injectedAt!);
    expect(pause!.restoredAt! - pause!.injectedAt!).toBeGreaterThanOrEqual(3_000);
    expect(pause!.mttrMs).toBeGreaterThanOrEqual(2_900);
    expect(pause!.mttrMs).toBeLessThan(6_000);
    expect(j.metrics.requests.total).toBeGreaterThan(5_000); // 200 req/s for 40 s, less what the faults cost
    expect(j.timeline.length).toBeGreaterThanOrEqual(399);
    expect(j.targets.api!.replicas[0]!.restarts).toBe(1);
    expect(readFileSync(join(out, "logs", "api-0.log"), "utf8")).toMatch(/api listening on :8080[\s\S]*api listening on :8080/);
    expect(readFileSync(join(out, "summary.md"), "utf8")).toMatch(/✅ quickstart: PASS/);
    expect(JSON.stringify(j)).not.toContain('"WORK_MS":"2"'); // env values are redacted
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("no-self-healing: a crash without restart policy never recovers (exit 1)", async () => {
    const out = tempDir("no-healing");
    const r = await runCli(["run", "scenarios/no-self-healing.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const j = readJournal(out);
    expect(j.verdict).toBe("fail");
    expect(j.faults[0]).toMatchObject({ kind: "crash", recovered: false, recoveredAt: null, mttrMs: null });
    expect(j.reasons).toContain(
      "crash api (SIGKILL main process) never recovered: the steady-state hypothesis did not hold for 2000ms before the load ended",
    );
    expect(j.slo.find((s) => s.metric === "mttr")).toMatchObject({ pass: false, never: true, measured: null });
    expect(r.stdout).toContain("never recovered");
    expect(readFileSync(join(out, "summary.md"), "utf8")).toContain("never recovered");
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("measures a 3 s pause as 3 s within the probe interval + 100 ms", async () => {
    const out = tempDir("pause");
    const r = await runCli(["run", "test/scenarios/pause-3s.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const fault = readJournal(out).faults[0]!;
    expect(Math.abs(fault.mttrMs! - 3_000)).toBeLessThanOrEqual(250 + 100);
  });

  it("stops with exit 3 and a clear message when a target never becomes healthy", async () => {
    const out = tempDir("slow-boot");
    const r = await runCli(["run", "test/scenarios/slow-boot.yaml", "--out", out, "--no-progress"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/slow-boot: ERROR/);
    expect(r.stdout).toMatch(/target api \(ss-[\w-]+-api-0\) did not become healthy within 1000ms \(GET http:\/\/127\.0\.0\.1:\d+\/healthz: (ECONNRESET|ECONNREFUSED)\)/);
    const j = readJournal(out);
    expect(j.verdict).toBe("error");
    expect(existsSync(join(out, "logs", "api-0.log"))).toBe(true);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("exits 3 saying how to start Docker when the daemon is unreachable", async () => {
    const out = tempDir("no-docker");
    const r = await runCli(["run", "scenarios/quickstart.yaml", "--out", out, "--no-progress"], { DOCKER_HOST: "unix:///tmp/steadystate-no-docker.sock" });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("Docker is not reachable at unix:///tmp/steadystate-no-docker.sock (ENOENT)");
    expect(r.stdout).toContain("fix: start the Docker daemon (`dockerd >/tmp/dockerd.log 2>&1 &`, or `systemctl start docker`)");
    expect(readJournal(out).verdict).toBe("error");
  });
});
