// The harness's own user-facing SLI as Prometheus metrics, served on a loopback port while the run lasts, so
// that alert rules can be written on what users saw: every request and probe outcome, by source and target.
//   steadystate_requests_total{source,target,outcome="ok"|"failed"}
//   steadystate_request_errors_total{source,target,reason}
//   steadystate_request_duration_seconds{source,target}   (histogram)
//   steadystate_probe_up{probe,target}                    (1 when the last probe succeeded, else 0)
import { createServer, type Server } from "node:http";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface SliExporter {
  /** http://127.0.0.1:PORT (metrics at /metrics). */
  url: string;
  port: number;
  observe(source: string, target: string, ok: boolean, latencyMs: number | undefined, reason?: string): void;
  close(): Promise<void>;
}

const SLI_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export async function startSliExporter(): Promise<SliExporter> {
  const registry = new Registry();
  const requests = new Counter({ name: "steadystate_requests_total", help: "Requests and probes by outcome, as users saw them", labelNames: ["source", "target", "outcome"], registers: [registry] });
  const errors = new Counter({ name: "steadystate_request_errors_total", help: "Failed requests and probes by reason", labelNames: ["source", "target", "reason"], registers: [registry] });
  const duration = new Histogram({ name: "steadystate_request_duration_seconds", help: "Latency of requests and probes", labelNames: ["source", "target"], buckets: SLI_BUCKETS_S, registers: [registry] });
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
      requests.inc({ source, target, outcome: ok ? "ok" : "failed" });
      if (!ok) errors.inc({ source, target, reason: reason ?? "error" });
      if (latencyMs !== undefined) duration.observe({ source, target }, latencyMs / 1_000);
      if (source.startsWith("probe:")) probeUp.set({ probe: source.slice("probe:".length), target }, ok ? 1 : 0);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
