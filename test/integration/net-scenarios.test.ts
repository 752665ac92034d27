// Network faults through the real command line: link proxies (dependsOn), host-side proxies with HTTP
// faults, capability refusal before anything starts, and `steadystate doctor`.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leftovers, readJournal, runCli, tempDir } from "./helpers.ts";

/** PATH without /usr/sbin and /sbin: iptables and tc are not found. */
const NO_SBIN = { PATH: "/usr/local/bin:/usr/bin:/bin" };

describe("network faults from the command line (real Docker)", () => {
  it("dependency-latency: api reaches db through the link proxy; latency and resets on the link; green", async () => {
    const out = tempDir("dependency");
    const r = await runCli(["run", "scenarios/dependency-latency.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const [latency, reset] = j.faults;
    expect(latency).toMatchObject({ kind: "latency", description: "latency +200ms on api→db (downstream)", recovered: true });
    expect(reset).toMatchObject({ kind: "reset-peer", description: "reset-peer on api→db (downstream, 30% of connections)", recovered: true });
    for (const f of j.faults) expect(f.restoredAt! - f.injectedAt!).toBeGreaterThanOrEqual(f.durationMs!);
    // 200ms more on every call to db breaks "p50 < 150ms" until the link heals.
    expect(latency!.impactStartAt).not.toBeNull();
    expect(j.events.filter((e) => e.type === "fault").map((e) => e.message)).toEqual([
      expect.stringMatching(/^rule latency-\w+ set on ss-[\w-]+-db-proxy for connections from \d+\.\d+\.\d+\.\d+$/),
      expect.stringMatching(/^rule reset-peer-\w+ set on ss-[\w-]+-db-proxy for connections from \d+\.\d+\.\d+\.\d+$/),
    ]);
    expect(readFileSync(join(out, "logs", "db-proxy.log"), "utf8")).toMatch(/fault proxy on :8080 → db-0:8080; control on :8474/);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  it("http-error on the host side: about half of /work fails with 503 in the window, none outside it", async () => {
    const out = tempDir("http-error");
    const r = await runCli(["run", "test/scenarios/http-error.yaml", "--out", out, "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    const fault = j.faults[0]!;
    const inWindow = (at: number) => at >= fault.injectedAt! + 100 && at < fault.restoredAt! - 100;
    // Rows are 100ms buckets of completion times; a request lasts at most the load's 2s timeout.
    const outside = (at: number) => at < fault.injectedAt! - 100 || at >= fault.restoredAt! + 2_000 + 100;
    const sum = (pick: (at: number) => boolean, key: "ok" | "failed") =>
      j.timeline.filter((row) => pick(row.at)).reduce((n, row) => n + (row.series.load?.[key] ?? 0), 0);
    const [ok, failed] = [sum(inWindow, "ok"), sum(inWindow, "failed")];
    const n = ok + failed;
    expect(n).toBeGreaterThan(100);
    // binomial(n, 0.5): within 4σ
    expect(Math.abs(failed - n / 2)).toBeLessThanOrEqual(4 * Math.sqrt(n / 4));
    expect(sum(outside, "failed")).toBe(0);
    expect(Object.keys(j.metrics.requests.failedBy)).toEqual(["http 503"]);
    expect(j.metrics.probes.health!.failed).toBe(0);
    expect(j.events.map((e) => e.message)).toContain("load and probes reach api through fault proxies (with HTTP faults)");
  });

  it("refuses a fault this machine cannot inject before starting anything (exit 3, with what to use instead)", async () => {
    const out = tempDir("needs-kernel");
    const r = await runCli(["run", "test/scenarios/needs-kernel.yaml", "--out", out, "--no-progress"], NO_SBIN);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      [
        "error: test/scenarios/needs-kernel.yaml: this machine cannot inject 1 fault(s):",
        "  test/scenarios/needs-kernel.yaml:7:13: faults[0].kind: iptables is not installed: use kind reset-peer with `probability` (fault proxy)",
        "fix: run `steadystate doctor` to see what this machine has and how to add what is missing",
        "",
      ].join("\n"),
    );
    expect(existsSync(join(out, "run.json"))).toBe(false);

    const v = await runCli(["validate", "test/scenarios/needs-kernel.yaml", "scenarios/quickstart.yaml"], NO_SBIN);
    expect(v.code).toBe(3);
    expect(v.stdout).toMatch(/^scenarios\/quickstart.yaml: ok/m);
    expect(v.stderr).toContain("faults[0].kind: iptables is not installed: use kind reset-peer");
    expect((await runCli(["validate", "test/scenarios/needs-kernel.yaml"])).code).toBe(0);
  });

  it("doctor: exit 0 here; exit 3 with a fix for each missing requirement", async () => {
    const ok = await runCli(["doctor"]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^check\s+needed\s+result\s+detail$/m);
    expect(ok.stdout).toMatch(/^docker\s+required\s+ok\s+Docker /m);
    expect(ok.stdout).toMatch(/^tc qdisc tbf\s+required\s+ok\s+tc qdisc tbf works$/m);
    expect(ok.stdout).toMatch(/^tc qdisc netem\s+optional\s+(ok|absent)\s/m);
    expect(ok.stdout).toMatch(/^root\s+required\s+ok\s+running as root$/m);
    expect(ok.stdout).toMatch(/^cgroup v1\s+required\s+ok\s+cgroup v1, cpu, cpuacct and memory controllers at \/sys\/fs\/cgroup\/<controller>$/m);
    expect(ok.stdout).toMatch(/everything required is here\n$/);

    const missing = await runCli(["doctor"], { ...NO_SBIN, DOCKER_HOST: "unix:///tmp/steadystate-no-docker.sock" });
    expect(missing.code).toBe(3);
    expect(missing.stdout).toMatch(/^docker\s+required\s+MISSING\s+Docker is not reachable at unix:\/\/\/tmp\/steadystate-no-docker.sock \(ENOENT\)$/m);
    expect(missing.stdout).toMatch(/^iptables\s+required\s+MISSING\s+iptables is not installed$/m);
    expect(missing.stdout).toContain("  iptables, iptables statistic, iptables REJECT: apt-get install -y iptables\n");
    expect(missing.stdout).toContain("  tc qdisc tbf, tc qdisc netem: apt-get install -y iproute2\n");
    expect(missing.stdout).toMatch(/5 required check\(s\) failed\n$/);
  });
});
