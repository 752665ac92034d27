// Everything that watches the run besides the load and probes: container resources, the SLI endpoint,
// Prometheus and Alertmanager (the run's own, or the user's polled), the built-in detectors and the healer.
// Started once the targets are up, stopped (alerts closed) when the load ends; each start pushes its undo.
import type Docker from "dockerode";
import type { Recorder } from "../metrics/recorder.ts";
import { ResourceMonitor } from "../monitor/resources.ts";
import type { ContainerResources, AlertEvent, HealRecord } from "../contracts/journal.ts";
import { startSliExporter, type SliExporter } from "../monitor/sli.ts";
import type { Teardown } from "../contracts/teardown.ts";
import type { Scenario } from "../scenario/scenario.ts";
import type { RunningTargets } from "../targets/containers.ts";
import type { Replica } from "../docker/replica.ts";
import { Healer } from "../heal/healer.ts";
import { AlertLog } from "./alert-log.ts";
import { runDetectors } from "./live.ts";
import { pollAlerts } from "./poll.ts";
import type { ScrapeTarget } from "./prometheus-config.ts";
import { startLocalStack, type LocalStack } from "./prometheus.ts";
import { queryLoad, type RangeQuery } from "./query-range.ts";
import type { QuerySeries } from "../contracts/query-series.ts";
import { startWebhook } from "./webhook.ts";
import type { TargetsContext } from "../docker/context.ts";
export interface WatchContext {
  docker: Docker;
  runId: string;
  runDir: string;
  teardown: Teardown;
  /** Aborted by an interruption. */
  signal: AbortSignal;
  targets: TargetsContext;
  event(type: string, message: string, at?: number): void;
}

export interface WatchResults {
  resources: Record<string, ContainerResources>;
  alerts: AlertEvent[];
  heal: HealRecord[];
  files: Record<string, string>;
  sliUrl: string;
  prometheusUrl: string | null;
  alertmanagerUrl: string | null;
}

export class Watch {
  readonly alerts = new AlertLog();
  private readonly monitor: ResourceMonitor;
  private sli!: SliExporter;
  private stack: LocalStack | undefined;
  private healer: Healer | undefined;
  private readonly stopLoad = new AbortController();
  private readonly loops: Promise<void>[] = [];

  private constructor(
    private readonly ctx: WatchContext,
    private readonly scenario: Scenario,
    private readonly running: RunningTargets,
  ) {
    this.monitor = new ResourceMonitor(ctx.docker, ctx.runId);
    ctx.signal.addEventListener("abort", () => this.stopLoad.abort(), { once: true });
    this.alerts.onEdge((e) => {
      const labels = Object.entries(e.labels).filter(([k]) => k !== "alertname").map(([k, v]) => `${k}=${v}`).join(", ");
      ctx.event("alert", `${e.name} ${e.state}${labels ? ` (${labels})` : ""}`, e.at);
    });
  }

  static async start(ctx: WatchContext, scenario: Scenario, running: RunningTargets): Promise<Watch> {
    const w = new Watch(ctx, scenario, running);
    await w.startAll();
    return w;
  }

  private async startAll(): Promise<void> {
    const { ctx, scenario } = this;
    this.sli = await startSliExporter();
    ctx.teardown.push("stop the SLI endpoint", () => this.sli.close());
    ctx.event("watch", `user-facing SLI as Prometheus metrics on ${this.sli.url}/metrics`);

    await this.monitor.start();
    ctx.teardown.push("stop resource monitoring", async () => this.monitor.stop());
    await Promise.all(Object.values(this.running.replicas).flat().map((r) => this.monitor.watch(r)));

    const prometheus = scenario.detection?.prometheus;
    if (prometheus?.mode === "local") {
      const webhook = await startWebhook(this.alerts);
      ctx.teardown.push("stop the alert webhook", () => webhook.close());
      ctx.event("watch", "starting Prometheus and Alertmanager");
      this.stack = await startLocalStack(ctx, {
        rules: prometheus.rules,
        scrapeIntervalMs: prometheus.scrapeIntervalMs,
        evaluationIntervalMs: prometheus.evaluationIntervalMs,
        sli: `127.0.0.1:${this.sli.port}`,
        webhookUrl: webhook.url,
        targets: this.scrapeTargets(),
      });
      ctx.event("watch", `Prometheus on ${this.stack.prometheusUrl}, Alertmanager on ${this.stack.alertmanagerUrl}`);
    } else if (prometheus?.mode === "external") {
      const poll = { prometheusUrl: prometheus.url, alertmanagerUrl: prometheus.alertmanagerUrl, pollIntervalMs: prometheus.pollIntervalMs };
      this.loops.push(pollAlerts(poll, this.alerts, this.stopLoad.signal, (m) => ctx.event("watch-failed", m)));
    }

    if (scenario.heal.length) {
      this.healer = new Healer(
        scenario.heal,
        {
          docker: ctx.docker,
          targets: ctx.targets,
          running: this.running,
          specs: scenario.targets,
          added: (replica) => this.added(replica),
          event: ctx.event,
        },
        this.alerts,
      );
    }
  }

  /** Hook for every request and probe outcome (the SLI endpoint). */
  observe(source: string, target: string, ok: boolean, latencyMs: number | undefined, reason?: string): void {
    this.sli.observe(source, target, ok, latencyMs, reason);
  }

  /** Starts the built-in detectors on the load's recorder. */
  beginLoad(recorder: Recorder): void {
    const detectors = this.scenario.detection?.detectors ?? [];
    if (!detectors.length) return;
    const sources = { recorder, monitor: this.monitor, prometheusUrl: this.prometheusUrl() };
    this.loops.push(runDetectors(detectors, sources, this.alerts, this.stopLoad.signal, (m) => this.ctx.event("watch-failed", m)));
  }

  /** At the end of the load: detectors and polling stop, later alerts are ignored, heal actions finish. */
  async endLoad(): Promise<void> {
    this.stopLoad.abort();
    await Promise.allSettled(this.loops);
    this.alerts.close();
    await this.healer?.settle();
  }

  results(): WatchResults {
    return {
      resources: this.monitor.series,
      alerts: this.alerts.events,
      heal: this.healer?.records ?? [],
      files: this.stack?.files ?? {},
      sliUrl: `${this.sli.url}/metrics`,
      prometheusUrl: this.prometheusUrl(),
      alertmanagerUrl: this.stack?.alertmanagerUrl ?? (this.scenario.detection?.prometheus?.mode === "external" ? this.scenario.detection.prometheus.alertmanagerUrl : null),
    };
  }

  /**
   * The queries evaluated over the load (for the canary judge), from the run's Prometheus or the user's: to be
   * called before the teardown stops the run's own. The run's is given one scrape interval after the load's
   * end to scrape its last samples. Without a Prometheus, each query says so.
   */
  async queryLoad(queries: readonly RangeQuery[], load: { start: number; end: number }): Promise<Record<string, QuerySeries>> {
    const url = this.prometheusUrl();
    if (url === null) {
      const error = "the run had no Prometheus to query: give the scenario detection.prometheus (the run's own, or the url of yours)";
      return Object.fromEntries(queries.map((q) => [q.name, { query: q.query, stepMs: q.stepMs, series: 0, points: [], nonFinite: 0, error }]));
    }
    const p = this.scenario.detection?.prometheus;
    return queryLoad(url, queries, load, p?.mode === "local" ? p.scrapeIntervalMs : 0, this.ctx.signal);
  }

  private prometheusUrl(): string | null {
    const p = this.scenario.detection?.prometheus;
    return this.stack?.prometheusUrl ?? (p?.mode === "external" ? p.url : null);
  }

  private added(replica: Replica): void {
    void this.monitor.watch(replica).catch((e: Error) => this.ctx.event("watch-failed", `monitoring ${replica.containerName}: ${e.message}`));
    this.stack?.setTargets(this.scrapeTargets());
  }

  private scrapeTargets(): ScrapeTarget[] {
    return Object.values(this.running.replicas)
      .flat()
      .flatMap((r) => {
        const path = this.scenario.targets[r.target]!.metrics;
        return path === "none" ? [] : [{ job: r.target, replica: `${r.target}-${r.index}`, address: `127.0.0.1:${r.hostPort}`, path }];
      });
  }
}
