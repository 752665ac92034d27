// The harness's own user-facing SLI as Prometheus metrics, served on a loopback port while the run lasts, so
// that alert rules can be written on what users saw: every request and probe outcome, by source and target.
//   steadystate_requests_total{source,target,outcome="ok"|"failed"}
//   steadystate_request_errors_total{source,target,reason}
//   steadystate_request_duration_seconds{source,target}   (histogram)
//   steadystate_probe_up{probe,target}                    (1 when the last probe succeeded, else 0)
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Registry } from "prom-client";

export interface SliExporter {
  /** http://127.0.0.1:PORT (metrics at /metrics). */
  url: string;
  port: number;
  observe(source: string, target: string, ok: boolean, latencyMs: number | undefined, reason?: string): void;
  close(): Promise<void>;
}

const SLI_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DURATION = "steadystate_request_duration_seconds";
const DURATION_HELP = "Latency of requests and probes";

/** What one source → target pair saw since the run began (counts since the last scrape for the counters). */
interface Tally {
  labels: { source: string; target: string };
  ok: number;
  failed: number;
  errors: Map<string, number>;
  /** Per bucket of SLI_BUCKETS_S (not cumulative), then +Inf; never reset. */
  buckets: number[];
  sumS: number;
  count: number;
}

// prom-client's inc() and observe() hash and validate their labels on every call: ~5 µs a request, the
// largest cost the SLI added to the load. Outcomes are tallied here instead and handed over when Prometheus
// scrapes: the counters stay prom-client's (incremented by the tally in `collect`); the histogram is served
// by a registry metric of our own, since prom-client cannot add many observations to a bucket at once.
export async function startSliExporter(): Promise<SliExporter> {
  const registry = new Registry();
  const tallies = new Map<string, Tally>();
  const tally = (source: string, target: string): Tally => {
    const key = `${source}\u0000${target}`;
    let t = tallies.get(key);
    if (!t) tallies.set(key, (t = { labels: { source, target }, ok: 0, failed: 0, errors: new Map(), buckets: new Array(SLI_BUCKETS_S.length + 1).fill(0), sumS: 0, count: 0 }));
    return t;
  };
  new Counter({
    name: "steadystate_requests_total",
    help: "Requests and probes by outcome, as users saw them",
    labelNames: ["source", "target", "outcome"],
    registers: [registry],
    collect() {
      for (const t of tallies.values()) {
        if (t.ok) this.inc({ ...t.labels, outcome: "ok" }, t.ok);
        if (t.failed) this.inc({ ...t.labels, outcome: "failed" }, t.failed);
        t.ok = t.failed = 0;
      }
    },
  });
  new Counter({
    name: "steadystate_request_errors_total",
    help: "Failed requests and probes by reason",
    labelNames: ["source", "target", "reason"],
    registers: [registry],
    collect() {
      for (const t of tallies.values()) {
        for (const [reason, n] of t.errors) this.inc({ ...t.labels, reason }, n);
        t.errors.clear();
      }
    },
  });
  registry.registerMetric({
    name: DURATION,
    help: DURATION_HELP,
    type: "histogram",
    aggregator: "sum",
    reset: () => undefined,
    get: async () => ({
      name: DURATION,
      help: DURATION_HELP,
      type: "histogram",
      aggregator: "sum",
      values: [...tallies.values()].filter((t) => t.count).flatMap(histogramValues),
    }),
  } as unknown as Parameters<Registry["registerMetric"]>[0]);
  const probeUp = new Gauge({ name: "steadystate_probe_up", help: "1 when the probe's last sample succeeded", labelNames: ["probe", "target"], registers: [registry] });

  const server: Server = createServer((req, res) => {
    if (req.url !== "/metrics") {
      res.writeHead(404).end("see /metrics\n");
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
      (e: Error) => res.writeHead(500).end(e.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    observe(source, target, ok, latencyMs, reason) {
      const t = tally(source, target);
      if (ok) t.ok++;
      else {
        t.failed++;
        const why = reason ?? "error";
        t.errors.set(why, (t.errors.get(why) ?? 0) + 1);
      }
      if (latencyMs !== undefined) {
        const seconds = latencyMs / 1_000;
        let i = 0;
        while (i < SLI_BUCKETS_S.length && seconds > SLI_BUCKETS_S[i]!) i++;
        t.buckets[i]!++;
        t.sumS += seconds;
        t.count++;
      }
      if (source.startsWith("probe:")) probeUp.set({ probe: source.slice("probe:".length), target }, ok ? 1 : 0);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The exposition of one tally as prom-client writes a histogram: cumulative buckets, +Inf, sum, count. */
function histogramValues(t: Tally) {
  let cumulative = 0;
  return [
    ...SLI_BUCKETS_S.map((le, i) => ({ labels: { ...t.labels, le }, value: (cumulative += t.buckets[i]!), metricName: `${DURATION}_bucket` })),
    { labels: { ...t.labels, le: "+Inf" }, value: t.count, metricName: `${DURATION}_bucket` },
    { labels: t.labels, value: t.sumS, metricName: `${DURATION}_sum` },
    { labels: t.labels, value: t.count, metricName: `${DURATION}_count` },
  ];
}
