// Item 2. Fault proxy pass-through: what the host-side fault proxy costs with no rule in force, against
// HAProxy in TCP mode (bench/haproxy-tcp.ts) and a direct connection to the same api container (its
// published loopback port). Each repeat measures every path in turn (ABCABC…): latency of requests paced
// at a moderate rate on one kept-alive connection (added latency = the path's minus direct's, in the same
// repeat), then closed-loop request throughput with the same connections and duration for each path (and
// the CPU time the forwarding process spent per request), then one large body on one connection. The
// clients run in a process of their own (bench/proxy-client.ts), so the proxy has the bench's process to
// itself as HAProxy has its own. Without a goal: the proxy with its HTTP layer behind it.
import { fork } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { findExecutable } from "../harness/host/executables.ts";
import { HostProxy } from "../harness/proxy/host-proxies.ts";
import { sleep } from "../harness/contracts/time.ts";
import { loadScenario } from "../harness/scenario/parse.ts";
import { startTargets } from "../harness/targets/containers.ts";
import { benchScenario } from "./cli.ts";
import { startHaproxyTcp } from "./haproxy-tcp.ts";
import type { BenchContext, BenchItem, BenchResult, Figure } from "./item.ts";
import { cpuMs } from "./proc-cpu.ts";
import type { ClientAnswer, ClientJob } from "./proxy-client.ts";
import { round, summary, type Summary } from "./stats.ts";

const SCENARIO = benchScenario("proxy-passthrough.yaml");
const PATH = "/healthz"; // the api's cheapest answer: the paths' own cost shows most
// Moderate: one request every 2 ms on one connection, a small share of what the api serves closed-loop, so
// latency is the path's own and not queueing.
const LATENCY = { rate: 500, count: 250 };
// Enough connections to keep the api and the proxy under test busy on two cores.
const THROUGHPUT = { connections: 32, durationMs: 1_000 };
const DOWNLOAD_BYTES = 32 << 20; // about 0.1 s on loopback: long enough to time, cheap enough to repeat
const WARM_UP_MS = 300;
const SETTLE_MS = 250;
const HAPROXY_MISSING = "haproxy is not installed — run scripts/setup.sh";

export type PathKey = "direct" | "proxy" | "haproxy" | "http";

interface Path {
  key: PathKey;
  base: string;
  /** Also measured downloading (the HTTP layer is not: its cost is per request). */
  download: boolean;
  /** The process forwarding on this path, whose CPU time per request is measured. */
  pid?: number;
}

export interface Sample {
  p50Ms: number;
  p99Ms: number;
  rps?: number;
  cpuUsPerRequest?: number;
  downloadMBps?: number;
}

export type Repeat = Partial<Record<PathKey, Sample>>;

/** The client process; one job at a time. */
function startClients(ctx: BenchContext): (job: ClientJob) => Promise<ClientAnswer> {
  const child = fork(join(import.meta.dirname, "proxy-client.ts"), [], { execArgv: ["--import", "tsx"] });
  ctx.teardown.push(`stop the bench clients (pid ${child.pid})`, async () => void child.kill());
  return (job) =>
    new Promise((resolve, reject) => {
      const exited = (code: number | null) => reject(new Error(`the bench clients exited (code ${code}) during a ${job.kind} measurement of ${job.url}`));
      child.once("exit", exited);
      child.once("message", (a: ClientAnswer) => {
        child.off("exit", exited);
        if ("error" in a) reject(new Error(a.error));
        else resolve(a);
      });
      child.send(job);
    });
}

async function startPaths(ctx: BenchContext, dir: string, haproxyBinary: string | undefined): Promise<Path[]> {
  const targets = await startTargets(
    { docker: ctx.docker, runId: ctx.benchId, runDir: dir, teardown: ctx.teardown, signal: new AbortController().signal, log: () => undefined },
    loadScenario(SCENARIO).targets,
  );
  const api = targets.replicas.api![0]!;
  const proxy = await HostProxy.start(api, false);
  ctx.teardown.push("close the fault proxy", () => proxy.close());
  const http = await HostProxy.start(api, true);
  ctx.teardown.push("close the fault proxy with its HTTP layer", () => http.close());
  const haproxy = haproxyBinary && (await startHaproxyTcp(ctx, haproxyBinary, { host: "127.0.0.1", port: api.hostPort }, PATH, dir));
  const paths: (Path | undefined)[] = [
    { key: "direct", base: api.url, download: true },
    { key: "proxy", base: proxy.url, download: true, pid: process.pid },
    haproxy ? { key: "haproxy", base: haproxy.url, download: true, pid: haproxy.pid } : undefined,
    { key: "http", base: http.url, download: false, pid: process.pid },
  ];
  return paths.filter((p) => p !== undefined);
}

export const proxyPassthrough: BenchItem = {
  id: 2,
  title: "Fault proxy pass-through (no rule) vs HAProxy in TCP mode vs direct",
  async run(ctx) {
    const started = performance.now();
    const dir = join(ctx.workDir, "proxy-passthrough");
    mkdirSync(dir, { recursive: true });
    const haproxyBinary = findExecutable(["haproxy"]);
    const ask = startClients(ctx);
    const paths = await startPaths(ctx, dir, haproxyBinary);
    const latency = async (p: Path) => (await ask({ kind: "latency", url: p.base + PATH, ...LATENCY })) as Sample;
    const throughput = async (p: Path, durationMs: number): Promise<Pick<Sample, "rps" | "cpuUsPerRequest">> => {
      const cpuBefore = p.pid && cpuMs(p.pid);
      const { rps, requests } = (await ask({ kind: "throughput", url: p.base + PATH, connections: THROUGHPUT.connections, durationMs })) as { rps: number; requests: number };
      return { rps: round(rps, 1), ...(p.pid ? { cpuUsPerRequest: round(((cpuMs(p.pid) - cpuBefore!) * 1_000) / requests, 2) } : {}) };
    };
    const download = async (p: Path) => round(((await ask({ kind: "download", url: `${p.base}/blob?bytes=${DOWNLOAD_BYTES}` })) as { mbPerS: number }).mbPerS, 1);

    for (const p of paths) await throughput(p, WARM_UP_MS); // warms every path's code; not counted
    ctx.log(`paths ready and warm after ${round((performance.now() - started) / 1_000, 1)} s: ${paths.map((p) => p.key).join(", ")}`);
    const repeats: Repeat[] = [];
    for (let i = 0; i < ctx.repeats; i++) {
      await sleep(SETTLE_MS);
      const repeat: Repeat = {};
      for (const p of paths) {
        const { p50Ms, p99Ms } = await latency(p);
        repeat[p.key] = { p50Ms: round(p50Ms), p99Ms: round(p99Ms) };
      }
      for (const p of paths) Object.assign(repeat[p.key]!, await throughput(p, THROUGHPUT.durationMs));
      for (const p of paths.filter((p) => p.download)) repeat[p.key]!.downloadMBps = await download(p);
      repeats.push(repeat);
      const line = ({ key }: Path) => {
        const r = repeat[key]!;
        return `${key} ${r.p50Ms}/${r.p99Ms} ms ${Math.round(r.rps!)} req/s${r.downloadMBps ? ` ${r.downloadMBps} MB/s` : ""}`;
      };
      ctx.log(`repeat ${i + 1} (${Math.round((performance.now() - started) / 1_000)} s): ${paths.map(line).join(", ")}`);
    }
    return measured(repeats, haproxyBinary);
  },
};

/** Over the repeats, of a value each repeat yields; undefined when a path was not measured (no haproxy). */
function over(repeats: readonly Repeat[], f: (r: Required<Repeat>) => number | undefined): Summary | undefined {
  const values = repeats.map((r) => f(r as Required<Repeat>));
  return values.every((v) => v !== undefined && Number.isFinite(v)) ? summary(values as number[]) : undefined;
}

type Measure = "p50Ms" | "p99Ms" | "rps" | "cpuUsPerRequest" | "downloadMBps";
const added = (repeats: readonly Repeat[], path: PathKey, base: PathKey, m: Measure) => over(repeats, (r) => r[path] && r[base] && r[path][m]! - r[base][m]!);
const ratio = (repeats: readonly Repeat[], path: PathKey, base: PathKey, m: Measure) => over(repeats, (r) => r[path] && r[base] && r[path][m]! / r[base][m]!);
const spread = (s: Summary | undefined, unit = "") => s && `the middle half of the repeats lies between ${s.q1}${unit} and ${s.q3}${unit} (all: ${s.min}–${s.max}${unit})`;

/** The figures and details of the repeats; the HAProxy ones are null without haproxy (`haproxyBinary`). */
export function measured(repeats: readonly Repeat[], haproxyBinary: string | undefined): BenchResult {
  const addedMs = {
    proxy: { p50: added(repeats, "proxy", "direct", "p50Ms"), p99: added(repeats, "proxy", "direct", "p99Ms") },
    haproxy: { p50: added(repeats, "haproxy", "direct", "p50Ms"), p99: added(repeats, "haproxy", "direct", "p99Ms") },
    httpLayer: { p50: added(repeats, "http", "direct", "p50Ms"), p99: added(repeats, "http", "direct", "p99Ms") },
  };
  const ratios = {
    throughputProxyToHaproxy: ratio(repeats, "proxy", "haproxy", "rps"),
    throughputProxyToDirect: ratio(repeats, "proxy", "direct", "rps"),
    throughputHaproxyToDirect: ratio(repeats, "haproxy", "direct", "rps"),
    throughputHttpLayerToDirect: ratio(repeats, "http", "direct", "rps"),
    cpuPerRequestProxyToHaproxy: ratio(repeats, "proxy", "haproxy", "cpuUsPerRequest"),
    downloadProxyToHaproxy: ratio(repeats, "proxy", "haproxy", "downloadMBps"),
    downloadProxyToDirect: ratio(repeats, "proxy", "direct", "downloadMBps"),
  };
  const fig = (name: string, s: Summary | undefined, unit: Figure["unit"], more: Partial<Figure> = {}): Figure => {
    // Said once, on the goal it leaves unmeasured (the goal then counts as missed).
    if (!s && !haproxyBinary && more.goal) return { name, value: null, unit, goal: more.goal, missing: HAPROXY_MISSING };
    return { name, value: s?.median ?? null, unit, ...more };
  };
  const figures: Figure[] = [
    fig(`throughput ratio (fault proxy / HAProxy), median of ${repeats.length} repeats`, ratios.throughputProxyToHaproxy, "ratio", {
      goal: { op: ">=", value: 0.8 },
      note: `${spread(ratios.throughputProxyToHaproxy)}; closed loop, ${THROUGHPUT.connections} connections, ${THROUGHPUT.durationMs / 1_000} s per path`,
    }),
    fig("added p50 latency (fault proxy − direct)", addedMs.proxy.p50, "ms", {
      goal: { op: "<=", value: 0.2 },
      note: `${spread(addedMs.proxy.p50, " ms")}; ${LATENCY.count} requests paced at ${LATENCY.rate}/s on one kept-alive connection per path and repeat`,
    }),
    fig("added p99 latency (fault proxy − direct)", addedMs.proxy.p99, "ms", { note: spread(addedMs.proxy.p99, " ms") }),
    fig("  added p50 latency (HAProxy − direct)", addedMs.haproxy.p50, "ms"),
    fig("  added p99 latency (HAProxy − direct)", addedMs.haproxy.p99, "ms"),
    fig("  direct: throughput", over(repeats, (r) => r.direct.rps), "req/s"),
    fig("  throughput ratio (fault proxy / direct)", ratios.throughputProxyToDirect, "ratio"),
    fig("  throughput ratio (HAProxy / direct)", ratios.throughputHaproxyToDirect, "ratio"),
    fig("  CPU per request ratio (fault proxy / HAProxy)", ratios.cpuPerRequestProxyToHaproxy, "ratio", {
      note: "CPU time of the forwarding process (every thread) over the closed-loop bursts, from procfs (10 ms ticks)",
    }),
    fig(`  ${DOWNLOAD_BYTES >> 20} MB download ratio, one connection (fault proxy / HAProxy)`, ratios.downloadProxyToHaproxy, "ratio"),
    fig(`  ${DOWNLOAD_BYTES >> 20} MB download ratio (fault proxy / direct)`, ratios.downloadProxyToDirect, "ratio"),
    fig("  added p50 latency (fault proxy with HTTP layer − direct)", addedMs.httpLayer.p50, "ms"),
    fig("  throughput ratio (fault proxy with HTTP layer / direct)", ratios.throughputHttpLayerToDirect, "ratio"),
  ];
  return {
    figures,
    details: { scenario: "bench/scenarios/proxy-passthrough.yaml", haproxy: haproxyBinary ?? null, latency: LATENCY, throughput: THROUGHPUT, downloadBytes: DOWNLOAD_BYTES, addedMs, ratios, repeats },
  };
}
