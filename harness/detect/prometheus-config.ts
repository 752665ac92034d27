// Generated configurations for the Prometheus and Alertmanager a run starts. Prometheus scrapes the harness's
// SLI endpoint and every replica's metrics path through its published loopback port; replicas are listed in
// a file (file_sd) so that replicas added while the run lasts are scraped too. Every alert goes to
// Alertmanager, which sends each one, alone in its group and at once, to the harness's webhook.
import { stringify } from "yaml";

export interface ScrapeTarget {
  /** The target's name: becomes the `job` label. */
  job: string;
  /** The replica's name (api-0): the `replica` label, which the healer uses to pick what to repair. */
  replica: string;
  address: string;
  path: string;
}

export interface PrometheusConfigSpec {
  scrapeIntervalMs: number;
  evaluationIntervalMs: number;
  ruleFiles: string[];
  alertmanager: string;
  sli: string;
  targetsFile: string;
}

export function prometheusConfig(s: PrometheusConfigSpec): string {
  return stringify({
    global: {
      scrape_interval: `${s.scrapeIntervalMs}ms`,
      // A scrape may not outlast its interval.
      scrape_timeout: `${Math.min(s.scrapeIntervalMs, 10_000)}ms`,
      evaluation_interval: `${s.evaluationIntervalMs}ms`,
    },
    rule_files: s.ruleFiles,
    alerting: { alertmanagers: [{ static_configs: [{ targets: [s.alertmanager] }] }] },
    scrape_configs: [
      { job_name: "steadystate", static_configs: [{ targets: [s.sli] }] },
      { job_name: "targets", file_sd_configs: [{ files: [s.targetsFile] }] },
    ],
  });
}

export function scrapeTargets(targets: readonly ScrapeTarget[]): string {
  return JSON.stringify(
    targets.map((t) => ({ targets: [t.address], labels: { job: t.job, replica: t.replica, __metrics_path__: t.path } })),
    null,
    2,
  );
}

export function alertmanagerConfig(webhookUrl: string): string {
  return stringify({
    route: {
      receiver: "steadystate",
      group_by: ["..."],
      group_wait: "0s",
      group_interval: "1s",
      repeat_interval: "1h",
    },
    receivers: [{ name: "steadystate", webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  });
}
