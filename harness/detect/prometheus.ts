// Starts the run's own Prometheus and Alertmanager from the host's binaries (Debian packages) on free
// loopback ports, with generated configurations, data, logs and a copy of the rule files in the run folder
// (`prometheus/`). Each is stopped through the teardown stack.
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { findExecutable } from "../host/executables.ts";
import { startProcess, type HostProcess } from "../host/processes.ts";
import { sleep } from "../contracts/time.ts";
import type { Teardown } from "../contracts/teardown.ts";
import { InfraError } from "../contracts/errors.ts";
import { startOnFreePort } from "../docker/ports.ts";
import { alertmanagerConfig, prometheusConfig, scrapeTargets, type ScrapeTarget } from "./prometheus-config.ts";

const PROMETHEUS_FIX = "apt-get install prometheus prometheus-alertmanager";

export interface StackContext {
  runId: string;
  runDir: string;
  teardown: Teardown;
  signal: AbortSignal;
}

export interface LocalStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  /** Relative to the run folder: configurations and logs. */
  files: Record<string, string>;
  /** Rewrites the scrape targets (Prometheus picks the file up by itself). */
  setTargets(targets: readonly ScrapeTarget[]): void;
}

export interface StackSpec {
  rules: string[];
  scrapeIntervalMs: number;
  evaluationIntervalMs: number;
  /** host:port of the harness's SLI endpoint. */
  sli: string;
  webhookUrl: string;
  targets: readonly ScrapeTarget[];
}

/** The binaries, or an InfraError saying how to install them (checked before anything starts). */
export function prometheusBinaries(): { prometheus: string; alertmanager: string } {
  const prometheus = findExecutable(["prometheus"]);
  const alertmanager = findExecutable(["prometheus-alertmanager", "alertmanager"]);
  if (!prometheus || !alertmanager) {
    const missing = [prometheus ? "" : "prometheus", alertmanager ? "" : "prometheus-alertmanager"].filter(Boolean).join(" and ");
    throw new InfraError(`${missing} not found on this machine (detection.prometheus starts them for the run)`, PROMETHEUS_FIX);
  }
  return { prometheus, alertmanager };
}

const READY_TIMEOUT_MS = 20_000;

export async function startLocalStack(ctx: StackContext, spec: StackSpec): Promise<LocalStack> {
  const bins = prometheusBinaries();
  const dir = join(ctx.runDir, "prometheus");
  mkdirSync(join(dir, "rules"), { recursive: true });
  const rel = (f: string) => join("prometheus", f);
  const rules = spec.rules.map((file, i) => {
    const copy = join(dir, "rules", `${i}-${basename(file)}`);
    copyFileSync(file, copy);
    return copy;
  });
  const targetsFile = join(dir, "targets.json");
  const setTargets = (targets: readonly ScrapeTarget[]) => {
    writeFileSync(`${targetsFile}.tmp`, scrapeTargets(targets));
    renameSync(`${targetsFile}.tmp`, targetsFile); // atomic: Prometheus never reads half a file
  };
  setTargets(spec.targets);

  const alertmanager = await launch(ctx, "alertmanager", join(dir, "alertmanager.log"), async (port) => {
    writeFileSync(join(dir, "alertmanager.yml"), alertmanagerConfig(spec.webhookUrl));
    return startProcess(
      bins.alertmanager,
      [`--config.file=${join(dir, "alertmanager.yml")}`, `--storage.path=${join(dir, "alertmanager-data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="],
      ctx.runId,
      join(dir, "alertmanager.log"),
    );
  });
  const prometheus = await launch(ctx, "prometheus", join(dir, "prometheus.log"), async (port) => {
    writeFileSync(
      join(dir, "prometheus.yml"),
      prometheusConfig({ ...spec, ruleFiles: rules, alertmanager: alertmanager.address, targetsFile }),
    );
    return startProcess(
      bins.prometheus,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // Resend firing alerts at every evaluation (default: once a minute): an alert that fires before
        // Prometheus has found Alertmanager would otherwise be dropped for a minute.
        `--rules.alert.resend-delay=${spec.evaluationIntervalMs}ms`,
      ],
      ctx.runId,
      join(dir, "prometheus.log"),
    );
  });
  await waitDiscovered(prometheus.url, spec.targets.length + 1, ctx.signal);
  return {
    prometheusUrl: prometheus.url,
    alertmanagerUrl: alertmanager.url,
    files: {
      "prometheus config": rel("prometheus.yml"),
      "prometheus log": rel("prometheus.log"),
      "alertmanager config": rel("alertmanager.yml"),
      "alertmanager log": rel("alertmanager.log"),
      "scrape targets": rel("targets.json"),
    },
    setTargets,
  };
}

// Prometheus hands discovered targets and Alertmanagers over every 5 s: until then nothing is scraped and
// every alert is dropped. Wait for both, so that the run's alerts mean what they say from its first second.
const DISCOVERY_TIMEOUT_MS = 20_000;

async function waitDiscovered(url: string, targets: number, signal: AbortSignal): Promise<void> {
  const get = async <T>(path: string): Promise<T> => ((await (await fetch(url + path, { signal: AbortSignal.timeout(1_000) })).json()) as { data: T }).data;
  const deadline = Date.now() + DISCOVERY_TIMEOUT_MS;
  let last = "";
  while (!signal.aborted && Date.now() < deadline) {
    try {
      const am = await get<{ activeAlertmanagers: unknown[] }>("/api/v1/alertmanagers");
      const t = await get<{ activeTargets: { health: string }[] }>("/api/v1/targets?state=active");
      const scraped = t.activeTargets.filter((x) => x.health !== "unknown").length;
      if (am.activeAlertmanagers.length > 0 && scraped >= targets) return;
      last = `${am.activeAlertmanagers.length} alertmanager(s), ${scraped} of ${targets} target(s) scraped`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(200, signal);
  }
  if (!signal.aborted) throw new InfraError(`Prometheus did not discover its targets and Alertmanager within ${DISCOVERY_TIMEOUT_MS}ms (${last})`, "see prometheus/prometheus.log in the run folder");
}

/** Starts a server on a free port (retrying when another process took it) and waits for /-/ready. */
function launch(
  ctx: StackContext,
  what: string,
  logFile: string,
  start: (port: number) => Promise<HostProcess>,
): Promise<{ url: string; address: string }> {
  return startOnFreePort(async (port) => {
    const proc = await start(port);
    ctx.teardown.push(`stop ${what} (pid ${proc.pid})`, () => proc.stop(5_000));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let exit: number | null | undefined;
    void proc.exited.then((code) => (exit = code));
    while (exit === undefined && !ctx.signal.aborted && Date.now() < deadline) {
      const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) }).then((r) => r.ok, () => false);
      if (ready) return { url, address: `127.0.0.1:${port}` };
      await sleep(100, ctx.signal);
    }
    if (ctx.signal.aborted) return { url, address: `127.0.0.1:${port}` };
    const tail = readFileSync(logFile, "utf8").trim().split("\n").slice(-5).join("\n");
    throw new InfraError(
      exit === undefined ? `${what} did not become ready within ${READY_TIMEOUT_MS}ms` : `${what} exited with code ${exit} at start-up:\n${tail}`,
      `see ${logFile}`,
    );
  }, /address already in use/);
}
