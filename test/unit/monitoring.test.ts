import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AlertLog, type AlertEvent } from "../../harness/detect/alert-log.ts";
import { alertmanagerConfig, prometheusConfig, scrapeTargets } from "../../harness/detect/prometheus-config.ts";
import { sampleOf } from "../../harness/monitor/docker-stats.ts";

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
