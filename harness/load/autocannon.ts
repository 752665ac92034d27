// Closed-model load with autocannon, in-process: `connections` keep-alive connections, each sending its
// next request when the previous one finishes, optionally capped at `rate` requests/s overall. autocannon
// cannot change its rate during a run nor send on a schedule: ramps and the open model are the undici
// engine's (undici.ts).
import type autocannon from "autocannon";
import { runAutocannon, type AutocannonClient } from "./autocannon-api.ts";
import { classifyStatus, type LoadContext, type LoadEngine } from "./engine.ts";
import { expandEnv } from "../specs/load/env-template.ts";
import type { RequestSpec } from "../specs/load/spec.ts";

export const autocannonEngine: LoadEngine = {
  // A mix runs one autocannon instance per entry, its connections and rate cap shared out by weight.
  run: async (ctx) => {
    const { spec } = ctx;
    const totalWeight = spec.requests.reduce((sum, r) => sum + r.weight, 0);
    const connections = spec.connections!;
    await Promise.all(
      spec.requests.map((r) => {
        const share = r.weight / totalWeight;
        return runOne(ctx, r, Math.max(1, Math.round(connections * share)), spec.rate === undefined ? undefined : spec.rate * share);
      }),
    );
  },
};

function runOne(ctx: LoadContext, r: RequestSpec, connections: number, rate: number | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const { spec, signal } = ctx;
    if (signal.aborted) return resolve();
    const urls = ctx.urls[r.target]!.map((u) => u + r.path);
    // autocannon calls back synchronously when it refuses its options: `stop` must exist by then.
    const stop = () => instance.stop();
    const instance: autocannon.Instance = runAutocannon(
      {
        url: urls.length === 1 ? urls[0]! : urls,
        method: r.method,
        headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, expandEnv(v)])),
        ...(r.body === undefined ? {} : { body: expandEnv(r.body) }),
        connections,
        duration: (spec.warmupMs + spec.durationMs) / 1_000,
        timeout: spec.timeoutMs / 1_000,
        ...(rate ? { overallRate: rate } : {}),
        setupClient: (client) => recordOutcomes(client, ctx),
      },
      (err) => {
        signal.removeEventListener("abort", stop);
        if (err) reject(err);
        else resolve();
      },
    );
    signal.addEventListener("abort", stop, { once: true });
  });
}

/**
 * Outcomes are taken per connection rather than from autocannon's totals, because under faults those
 * totals mislead: (1) a connection that fails reconnects at once and every failed reconnect is counted
 * as a request error, even while the connection is idle under the rate cap, so a refused port yields
 * thousands of "errors" no user sent; (2) the queue of in-flight requests is not emptied when a
 * connection dies, so later responses are matched to stale entries and every latency after recovery is
 * inflated by seconds. Here a connection error counts only when a request was in flight, and with one
 * request per connection (no pipelining) anything still queued when the next request starts belongs to a
 * dead connection: it is dropped, and counted as failed if nothing was reported for it (server closed).
 */
function recordOutcomes(client: AutocannonClient, { record, spec }: LoadContext): void {
  client.on("response", (status, _bytes, latencyMs) => {
    const { ok, reason } = classifyStatus(status);
    record(Date.now(), ok, latencyMs, reason);
  });
  client.on("connError", (err) => {
    if (client.pipelinedRequests.size() === 0) return; // reconnecting while idle: no request was lost
    client.pipelinedRequests.clear();
    record(Date.now(), false, undefined, err.code ?? err.message);
  });
  // On a timeout autocannon empties the queue itself; the user waited the whole timeout.
  client.on("timeout", () => record(Date.now(), false, spec.timeoutMs, "timeout"));
  client.on("request", () => {
    if (client.pipelinedRequests.size() === 0) return;
    client.pipelinedRequests.clear();
    record(Date.now(), false, undefined, "connection closed");
  });
}
