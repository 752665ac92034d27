import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quantileOf } from "../../harness/canary/tails.ts";
import { decodeHistogram, LATENCY_HISTOGRAM_RELATIVE_ERROR } from "../../harness/contracts/latency-histogram.ts";
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

  it("measures a 3 s pause as 3 s within the probe interval + 100 ms; each window's histogram holds its successes", async () => {
    const out = tempDir("pause");
    const r = await runCli(["run", "test/scenarios/pause-3s.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const fault = j.faults[0]!;
    expect(Math.abs(fault.mttrMs! - 3_000)).toBeLessThanOrEqual(250 + 100);

    // Every source of every window: the histogram counts exactly the window's successes. Where nothing failed,
    // the window's own quantiles (HdrHistogram, the bucket's top, within 2^-7) are over the same requests, so
    // the histogram's (the bucket's midpoint, within 2^-7) agree with them within both errors and 1 µs each.
    const file = join(out, "journal.json");
    let compared = 0;
    j.windows!.forEach((w, k) => {
      for (const [source, s] of Object.entries(w.series)) {
        if (s.ok === 0) {
          expect(s.histogram).toBeUndefined();
          continue;
        }
        const h = decodeHistogram(s.histogram, { file, path: ["windows", k, "series", source, "histogram"] });
        expect(h.total, `windows[${k}] ${source}`).toBe(s.ok);
        if (s.failed > 0) continue;
        for (const [key, q] of [["p50", 0.5], ["p99", 0.99]] as const) {
          const exact = s[key]!;
          expect(Math.abs(quantileOf(h, q)! - exact), `windows[${k}] ${source} ${key}`).toBeLessThanOrEqual(exact * (LATENCY_HISTOGRAM_RELATIVE_ERROR + 2 ** -7) + 0.002);
        }
        compared++;
      }
    });
    // 10 windows of load and probe; the pause (3 s to 6 s) leaves at least the first 3 and the last 3 clean.
    expect(compared).toBeGreaterThanOrEqual(6);
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
