import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AlertLog } from "../../harness/detect/alert-log.ts";
import { alertmanagerConfig, prometheusConfig, scrapeTargets } from "../../harness/detect/prometheus-config.ts";
import { sampleOf } from "../../harness/monitor/docker-stats.ts";
import { ResourceMonitor } from "../../harness/monitor/resources.ts";
import { startSliExporter } from "../../harness/monitor/sli.ts";
import type { AlertEvent, ResourceSample } from "../../harness/contracts/journal.ts";

describe("Docker stats samples", () => {
  // Trimmed from a real message of the stats stream (Docker 20.10, cgroup v1).
  const message = {
    read: "2026-11-23T16:57:19.402399750Z",
    cpu_stats: { cpu_usage: { total_usage: 138_856_739, percpu_usage: [39_703_613, 99_153_126] }, system_cpu_usage: 4_130_830_000_000, online_cpus: 2 },
    precpu_stats: { cpu_usage: { total_usage: 130_227_854 }, system_cpu_usage: 4_128_840_000_000 },
    memory_stats: { usage: 47_124_480, stats: { cache: 34_844_672, total_inactive_file: 31_035_392 } },
    networks: { eth0: { rx_bytes: 516, tx_bytes: 120 }, eth1: { rx_bytes: 100, tx_bytes: 80 } },
  };

  it("computes CPU % as docker stats does, memory without inactive cache, and network over interfaces", () => {
    expect(sampleOf(message, 2, 0)).toEqual({
      at: Date.parse("2026-11-23T16:57:19.402Z"),
      cpuPercent: 0.87, // 8 628 885 ns of CPU over 1 990 000 000 ns of host time × 2 CPUs
      memoryBytes: 16_089_088,
      restarts: 2,
      rxBytes: 616,
      txBytes: 200,
    });
  });

  it("gives zeros for a stopped container, and no CPU rate across a restart", () => {
    expect(sampleOf({ read: "0001-01-01T00:00:00Z" }, 1, 42)).toEqual({ at: 42, cpuPercent: 0, memoryBytes: 0, restarts: 1, rxBytes: 0, txBytes: 0 });
    const restarted = { ...message, precpu_stats: { cpu_usage: { total_usage: 900_000_000 }, system_cpu_usage: 4_128_840_000_000 } };
    expect(sampleOf(restarted, 1, 0).cpuPercent).toBe(0);
  });
});

describe("Prometheus and Alertmanager configurations", () => {
  it("scrapes the SLI endpoint and the replicas' file, with a timeout no longer than the interval", () => {
    const cfg = parse(prometheusConfig({ scrapeIntervalMs: 1_000, evaluationIntervalMs: 500, ruleFiles: ["/r/0-alerts.yml"], alertmanager: "127.0.0.1:9093", sli: "127.0.0.1:9100", targetsFile: "/r/targets.json" }));
    expect(cfg).toEqual({
      global: { scrape_interval: "1000ms", scrape_timeout: "1000ms", evaluation_interval: "500ms" },
      rule_files: ["/r/0-alerts.yml"],
      alerting: { alertmanagers: [{ static_configs: [{ targets: ["127.0.0.1:9093"] }] }] },
      scrape_configs: [
        { job_name: "steadystate", static_configs: [{ targets: ["127.0.0.1:9100"] }] },
        { job_name: "targets", file_sd_configs: [{ files: ["/r/targets.json"] }] },
      ],
    });
    expect(JSON.parse(scrapeTargets([{ job: "api", replica: "api-0", address: "127.0.0.1:4000", path: "/metrics" }]))).toEqual([
      { targets: ["127.0.0.1:4000"], labels: { job: "api", replica: "api-0", __metrics_path__: "/metrics" } },
    ]);
  });

  it("sends every alert alone and at once to the webhook, resolutions included", () => {
    expect(parse(alertmanagerConfig("http://127.0.0.1:5000/alerts"))).toEqual({
      route: { receiver: "steadystate", group_by: ["..."], group_wait: "0s", group_interval: "1s", repeat_interval: "1h" },
      receivers: [{ name: "steadystate", webhook_configs: [{ url: "http://127.0.0.1:5000/alerts", send_resolved: true }] }],
    });
  });
});

describe("alert log", () => {
  it("keeps edges only, per name and labels, and nothing after it is closed", () => {
    const log = new AlertLog();
    const heard: string[] = [];
    log.onEdge((e) => heard.push(`${e.name} ${e.state}`));
    const e = (name: string, state: AlertEvent["state"], labels: Record<string, string> = {}, at = 0): AlertEvent => ({ name, state, at, labels });
    log.report(e("ApiDown", "firing", { replica: "api-0" }));
    log.report(e("ApiDown", "firing", { replica: "api-0" }, 1)); // repeated notification
    log.report(e("ApiDown", "firing", { replica: "api-1" }));
    log.report(e("ApiDown", "resolved", { replica: "api-0" }));
    log.report(e("Other", "resolved"));
    expect(log.active()).toEqual(["ApiDown"]);
    log.close();
    log.report(e("Late", "firing"));
    expect(heard).toEqual(["ApiDown firing", "ApiDown firing", "ApiDown resolved"]);
    expect(log.events).toHaveLength(3);
  });
});

describe("a target's current resources", () => {
  const NOW = 1_700_000_000_000;
  const MiB = 1024 ** 2;
  const sample = (agoMs: number, v: Partial<ResourceSample>): ResourceSample => ({ at: NOW - agoMs, cpuPercent: 0, memoryBytes: 0, restarts: 0, rxBytes: 0, txBytes: 0, ...v });
  // current() reads only the recorded series: no Docker is needed to exercise it.
  const monitor = (series: ResourceMonitor["series"]) => {
    const m = new ResourceMonitor(undefined as unknown as Docker, "run");
    Object.assign(m.series, series);
    return m;
  };

  it("sums the latest sample of each replica: CPU as a fraction of one core, memory, restarts, network bytes per second", () => {
    const m = monitor({
      "api-0": { target: "api", samples: [sample(2_000, { rxBytes: 1_000, txBytes: 500 }), sample(1_000, { cpuPercent: 50, memoryBytes: 30 * MiB, restarts: 1, rxBytes: 3_000, txBytes: 1_500 })] },
      // 2 000 bytes more over 500 ms: 4 000 bytes per second.
      "api-1": { target: "api", samples: [sample(800, { rxBytes: 10_000 }), sample(300, { cpuPercent: 120, memoryBytes: 20 * MiB, restarts: 2, rxBytes: 11_000, txBytes: 1_000 })] },
      "db-0": { target: "db", samples: [sample(100, { cpuPercent: 400, memoryBytes: 900 * MiB })] },
    });
    expect(m.current("api", NOW)).toEqual({ cpu: 1.7, memory: 50 * MiB, restarts: 3, network: 3_000 + 4_000 });
    expect(m.current("db", NOW)).toEqual({ cpu: 4, memory: 900 * MiB, restarts: 0, network: 0 });
  });

  it("leaves out replicas whose latest sample is older than 3 s, and has no value when every one is", () => {
    const m = monitor({
      "api-0": { target: "api", samples: [sample(3_001, { cpuPercent: 90, memoryBytes: 500 * MiB })] },
      "api-1": { target: "api", samples: [sample(3_000, { cpuPercent: 10, memoryBytes: 10 * MiB })] },
      "db-0": { target: "db", samples: [sample(5_000, { memoryBytes: 64 * MiB })] },
      "web-0": { target: "web", samples: [] },
    });
    expect(m.current("api", NOW)).toEqual({ cpu: 0.1, memory: 10 * MiB, restarts: 0, network: 0 });
    expect(m.current("db", NOW)).toBeUndefined();
    expect(m.current("web", NOW)).toBeUndefined();
    expect(m.current("nothing", NOW)).toBeUndefined();
  });

  it("gives no network rate across a restart (the counters start again from 0) or between samples of the same instant", () => {
    const m = monitor({
      "api-0": { target: "api", samples: [sample(1_000, { rxBytes: 50_000, txBytes: 50_000 }), sample(0, { rxBytes: 100, txBytes: 100, restarts: 1 })] },
      "api-1": { target: "api", samples: [sample(0, { rxBytes: 100 }), sample(0, { rxBytes: 900 })] },
    });
    expect(m.current("api", NOW)).toEqual({ cpu: 0, memory: 0, restarts: 1, network: 0 });
  });
});

describe("the SLI endpoint", () => {
  /** Sample lines of the Prometheus text format: `name{labels} value`, labels as a sorted string. */
  const samples = (text: string) =>
    new Map(
      text
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => {
          const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(l);
          if (!m) throw new Error(`not an exposition line: ${l}`);
          const labels = (m[2] ?? "").split(",").filter(Boolean).sort().join(",");
          return [`${m[1]}{${labels}}`, Number(m[3])] as const;
        }),
    );

  it("serves every outcome as counters by outcome and reason, a latency histogram and the probe's up gauge", async () => {
    const sli = await startSliExporter();
    try {
      expect(sli.url).toBe(`http://127.0.0.1:${sli.port}`);
      sli.observe("load", "api", true, 3);
      sli.observe("load", "api", true, 40);
      sli.observe("load", "api", false, 1_200, "timeout");
      sli.observe("load", "api", false, undefined, "ECONNREFUSED");
      sli.observe("probe:health", "api", true, 2);
      sli.observe("probe:health", "api", false, 4, "http 503");
      const res = await fetch(`${sli.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const m = samples(await res.text());
      expect(m.get('steadystate_requests_total{outcome="ok",source="load",target="api"}')).toBe(2);
      expect(m.get('steadystate_requests_total{outcome="failed",source="load",target="api"}')).toBe(2);
      expect(m.get('steadystate_requests_total{outcome="failed",source="probe:health",target="api"}')).toBe(1);
      expect(m.get('steadystate_request_errors_total{reason="timeout",source="load",target="api"}')).toBe(1);
      expect(m.get('steadystate_request_errors_total{reason="ECONNREFUSED",source="load",target="api"}')).toBe(1);
      expect(m.get('steadystate_request_errors_total{reason="http 503",source="probe:health",target="api"}')).toBe(1);
      // Cumulative buckets in seconds: 3 ms ≤ 5 ms, 40 ms ≤ 50 ms, 1.2 s ≤ 2.5 s; an outcome without a latency is not in it.
      const bucket = (le: string) => m.get(`steadystate_request_duration_seconds_bucket{le="${le}",source="load",target="api"}`);
      expect(["0.005", "0.01", "0.025", "0.05", "1", "2.5", "10", "+Inf"].map(bucket)).toEqual([1, 1, 1, 2, 2, 3, 3, 3]);
      expect(m.get('steadystate_request_duration_seconds_count{source="load",target="api"}')).toBe(3);
      expect(m.get('steadystate_request_duration_seconds_sum{source="load",target="api"}')).toBeCloseTo(1.243, 9);
      // The last probe sample failed.
      expect(m.get('steadystate_probe_up{probe="health",target="api"}')).toBe(0);
      sli.observe("probe:health", "api", true, 2);
      expect(samples(await (await fetch(`${sli.url}/metrics`)).text()).get('steadystate_probe_up{probe="health",target="api"}')).toBe(1);
      expect([...m.keys()].some((k) => k.startsWith("steadystate_probe_up") && k.includes("load"))).toBe(false);
      expect((await fetch(`${sli.url}/other`)).status).toBe(404);
    } finally {
      await sli.close();
    }
  });
});
