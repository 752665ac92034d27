// What the fault proxies cost with no fault in force, measured in one run against real containers:
// added latency (p50/p99 at a fixed, moderate rate), request throughput (closed loop, all connections
// busy) and byte throughput (one connection downloading), for each path the harness can put traffic on.
//   host:  load → published port (docker-proxy) → api                         (direct)
//          load → host-side fault proxy → published port → api                (TCP proxy)
//          load → host-side fault proxy → HTTP fault layer → published port → api
//   link:  load → api-direct → db-0 (by replica name, no proxy)               (direct)
//          load → api-linked → link proxy container answering as db → db-0
// Usage: npm run bench:proxy [-- --seconds 3]
import { join } from "node:path";
import autocannon from "autocannon";
import { HostProxy } from "../harness/proxy/host-proxies.ts";
import { newRunId } from "../harness/run/orchestrator.ts";
import { Teardown } from "../harness/run/teardown.ts";
import { parseScenario } from "../harness/scenario/parse.ts";
import { table } from "../harness/cli/summary.ts";
import { connectDocker } from "../harness/targets/docker.ts";
import { startTargets } from "../harness/targets/containers.ts";
import { Agent, request } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { median, quantile } from "simple-statistics";

const seconds = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 3;
const ROUNDS = 3;
const ROOT = join(import.meta.dirname, "..");
const SCENARIO = `
version: 1
name: proxy-overhead
targets:
  db: { build: ../fixtures/api, port: 8080, health: { path: /healthz } }
  api-direct: { build: ../fixtures/api, port: 8080, env: { UPSTREAM_URL: "http://db-0:8080/work" }, health: { path: /healthz } }
  api-linked: { build: ../fixtures/api, port: 8080, dependsOn: [db], env: { UPSTREAM_URL: "http://db:8080/work" }, health: { path: /healthz } }
load: { target: db, duration: 1m }
`;

interface Figures {
  p50: number;
  p99: number;
  rps: number;
  mbps: number;
}

/** Latency of requests paced at `rate` on one kept-alive connection, to the microsecond. */
async function pacedLatency(url: string, rate: number): Promise<{ p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ms: number[] = [];
  const started = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = started + (i * 1_000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const a = await get(url, agent);
    ms.push(a);
  }
  agent.destroy();
  return { p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
}

function get(url: string, agent: Agent): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`${url}: ${res.statusCode}`))));
    })
      .on("error", reject)
      .end();
  });
}

async function measure(base: string, path: string): Promise<Figures> {
  const { p50, p99 } = await pacedLatency(base + path, 200);
  const flat = await autocannon({ url: base + path, connections: 32, duration: seconds });
  const started = performance.now();
  const res = await fetch(`${base}/blob?bytes=${64 << 20}`);
  const bytes = (await res.arrayBuffer()).byteLength;
  const mbps = bytes / 1e6 / ((performance.now() - started) / 1_000);
  return { p50, p99, rps: flat.requests.average, mbps };
}

const teardown = new Teardown();
try {
  const docker = await connectDocker();
  const scenario = parseScenario(SCENARIO, join(ROOT, "scenarios", "proxy-overhead.yaml"));
  const runId = newRunId();
  const targets = await startTargets({ docker, runId, runDir: join(tmpdir(), `steadystate-bench-${runId}`), teardown, signal: new AbortController().signal, log: () => undefined }, scenario.targets);
  const db = targets.replicas.db![0]!;
  const tcp = await HostProxy.start(db, false);
  const http = await HostProxy.start(db, true);
  teardown.push("close bench proxies", async () => {
    await tcp.close();
    await http.close();
  });
  // The first path of each group is the baseline the others are compared with.
  const paths: [string, string, string][] = [
    ["host: direct (published port)", db.url, "/healthz"],
    ["host: TCP fault proxy", tcp.url, "/healthz"],
    ["host: TCP + HTTP fault proxy", http.url, "/healthz"],
    ["link: api → db-0 (no proxy)", targets.replicas["api-direct"]![0]!.url, "/work"],
    ["link: api → link proxy → db-0", targets.replicas["api-linked"]![0]!.url, "/work"],
  ];
  console.log(`proxy overhead: ${ROUNDS} rounds, ${seconds}s per measurement, medians; load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const results = new Map<string, Figures[]>(paths.map(([name]) => [name, []]));
  // Rounds interleave the paths so that the machine's other work spreads over all of them alike.
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, url, path] of paths) results.get(name)!.push(await measure(url, path));
    console.error(`  round ${round} done`);
  }
  const med = (name: string, key: keyof Figures) => median(results.get(name)!.map((f) => f[key]));
  const rows = paths.map(([name], i) => {
    const base = paths[i < 3 ? 0 : 3]![0];
    const vs = (key: keyof Figures) => (name === base ? "" : ` (${med(name, key) >= med(base, key) ? "+" : ""}${(med(name, key) - med(base, key)).toFixed(2)})`);
    const ratio = (key: keyof Figures) => (name === base ? "" : ` (×${(med(name, key) / med(base, key)).toFixed(2)})`);
    return [
      name,
      `${med(name, "p50").toFixed(2)}ms${vs("p50")}`,
      `${med(name, "p99").toFixed(2)}ms${vs("p99")}`,
      `${Math.round(med(name, "rps"))}/s${ratio("rps")}`,
      `${med(name, "mbps").toFixed(0)} MB/s${ratio("mbps")}`,
    ];
  });
  console.log(table(["path", "p50 @200/s", "p99 @200/s", "req/s (32 conns)", "download (1 conn)"], rows));
} finally {
  await teardown.unwind();
}
