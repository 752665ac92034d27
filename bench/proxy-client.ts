// Child process of bench item 2: the clients, in a process of their own so that the proxy under test has
// the bench's process to itself, as HAProxy has its own. Started once (fork, IPC); answers each message:
//   { kind: "latency", url, rate, count }                → { p50Ms, p99Ms }
//   { kind: "throughput", url, connections, durationMs } → { rps, requests }
//   { kind: "download", url }                            → { mbPerS }
// A failed job answers { error }.
import { Agent, request } from "node:http";
import autocannon from "autocannon";
import { quantile } from "simple-statistics";

export type ClientJob =
  | { kind: "latency"; url: string; rate: number; count: number }
  | { kind: "throughput"; url: string; connections: number; durationMs: number }
  | { kind: "download"; url: string };

export type ClientAnswer = { p50Ms: number; p99Ms: number } | { rps: number; requests: number } | { mbPerS: number } | { error: string };

/**
 * Latency of `count` requests paced at `rate` per second on one kept-alive connection, to the microsecond
 * (performance.now()); the connection is opened by one request that is not counted.
 */
async function pacedLatency(url: string, rate: number, count: number): Promise<{ p50Ms: number; p99Ms: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await get(url, agent);
    const ms: number[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const wait = started + (i * 1_000) / rate - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      ms.push(await get(url, agent));
    }
    return { p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99) };
  } finally {
    agent.destroy();
  }
}

function get(url: string, agent: Agent): Promise<number> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error(`${url}: http ${res.statusCode}`))));
    })
      .on("error", reject)
      .end();
  });
}

/** Closed loop: every connection sends its next request as soon as the last is answered. */
async function throughput(url: string, connections: number, durationMs: number): Promise<{ rps: number; requests: number }> {
  const r = await autocannon({ url, connections, duration: durationMs / 1_000 });
  if (r.errors || r.non2xx) throw new Error(`${url}: ${r.errors} errors and ${r.non2xx} answers other than 2xx in ${r.requests.total} requests`);
  return { rps: r["2xx"] / r.duration, requests: r["2xx"] };
}

/** One response body read on one connection, from sending the request to its last byte. */
function download(url: string): Promise<{ mbPerS: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`${url}: http ${res.statusCode}`));
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () => resolve({ mbPerS: bytes / 1e6 / ((performance.now() - t) / 1_000) }));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
}

async function answer(job: ClientJob): Promise<ClientAnswer> {
  try {
    if (job.kind === "latency") return await pacedLatency(job.url, job.rate, job.count);
    if (job.kind === "download") return await download(job.url);
    return await throughput(job.url, job.connections, job.durationMs);
  } catch (e) {
    return { error: (e as Error).message };
  }
}

process.on("message", (job: ClientJob) => void answer(job).then((a) => process.send!(a)));
