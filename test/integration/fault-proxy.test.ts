// The fault proxy on real sockets (no Docker): each toxic's effect as a client sees it, rules changed
// while connections live, resets passed through, backpressure. Then a link proxy container (real Docker):
// its control API refuses the other containers of the run network.
import { Agent } from "node:http";
import { join } from "node:path";
import { median } from "simple-statistics";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Teardown } from "../../harness/contracts/teardown.ts";
import { BASE_IMAGE } from "../../harness/docker/images.ts";
import { runLabels } from "../../harness/docker/labels.ts";
import { ProxyControlClient, startControlServer } from "../../harness/proxy/control.ts";
import { startLinkProxies } from "../../harness/proxy/link-proxies.ts";
import { FaultProxy } from "../../harness/proxy/proxy.ts";
import { newRunId } from "../../harness/run/orchestrator.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import type { ToxicRule } from "../../harness/specs/faults/proxy-rules.ts";
import { docker, leftovers, ROOT, tempDir } from "./helpers.ts";
import { expectDelayedOnce, expectUndone } from "./latency.ts";
import { echoServer, get, httpServer, rawClient } from "./sockets.ts";

const base = { direction: "downstream", probability: 1 } as const;
const rule = (r: Partial<ToxicRule> & Pick<ToxicRule, "toxic">): ToxicRule => ({ id: "t", ...base, ...r }) as ToxicRule;

describe("fault proxy (real sockets)", () => {
  let http: Awaited<ReturnType<typeof httpServer>>;
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let proxy: FaultProxy;
  let echoProxy: FaultProxy;
  beforeAll(async () => {
    http = await httpServer();
    echo = await echoServer();
    proxy = await FaultProxy.start({ listen: { host: "127.0.0.1", port: 0 }, upstreams: [{ host: "127.0.0.1", port: http.port }] });
    echoProxy = await FaultProxy.start({ listen: { host: "127.0.0.1", port: 0 }, upstreams: [{ host: "127.0.0.1", port: echo.port }] });
  });
  afterAll(async () => {
    await proxy.close();
    await echoProxy.close();
    http.close();
    echo.close();
  });
  afterEach(() => {
    for (const r of [...proxy.listRules(), ...echoProxy.listRules()]) {
      proxy.removeRule(r.id);
      echoProxy.removeRule(r.id);
    }
  });

  const medianMs = async (n: number, agent: Agent) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = await get(proxy.port, "/fast", { agent });
      expect(a.status).toBe(200);
      ms.push(a.ms);
    }
    return median(ms);
  };

  it("passes requests through unchanged", async () => {
    const big = await get(proxy.port, "/blob?bytes=3000000");
    expect(big).toMatchObject({ status: 200, bytes: 3_000_000 });
    expect(proxy.stats().accepted).toBeGreaterThan(0);
  });

  it("latency 200ms delays every request on a kept-alive connection once, and is undone without dropping it", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await medianMs(15, agent);
    const acceptedBefore = proxy.stats().accepted;
    proxy.setRule(rule({ toxic: "latency", delayMs: 200, jitterMs: 0 }));
    const during = await medianMs(15, agent);
    proxy.removeRule("t");
    const after = await medianMs(15, agent);
    expectDelayedOnce(before, during, 200);
    expectUndone(before, after, 200);
    // One connection throughout: the fault window neither opened nor dropped any.
    expect(proxy.stats().accepted).toBe(acceptedBefore);
    agent.destroy();
  });

  it("a rule changed in place takes effect on the open connection at once", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await medianMs(5, agent);
    const accepted = proxy.stats().accepted;
    proxy.setRule(rule({ toxic: "latency", delayMs: 100, jitterMs: 0 }));
    const low = await medianMs(5, agent);
    proxy.setRule(rule({ toxic: "latency", delayMs: 300, jitterMs: 0 }));
    const high = await medianMs(5, agent);
    expectDelayedOnce(before, low, 100);
    expectDelayedOnce(before, high, 300);
    expect(proxy.stats().accepted).toBe(accepted);
    agent.destroy();
  });

  it("jitter spreads the delay over delay ± jitter", async () => {
    const times = async () => {
      const ms: number[] = [];
      for (let i = 0; i < 20; i++) ms.push((await get(proxy.port, "/fast")).ms);
      return ms;
    };
    const plain = await times();
    proxy.setRule(rule({ toxic: "latency", delayMs: 100, jitterMs: 50 }));
    const ms = await times();
    expect(Math.min(...ms)).toBeGreaterThanOrEqual(50);
    // Load makes single requests late by any amount, so the upper edge shows in the median: the delays'
    // median is 100 ms, within 50 of the bound 100 + 50 ms on top of what a request takes without the fault.
    expect(median(ms)).toBeLessThanOrEqual(150 + median(plain));
    expect(Math.max(...ms) - Math.min(...ms)).toBeGreaterThan(20);
  });

  it("upstream latency delays the request on its way to the server", async () => {
    proxy.setRule(rule({ toxic: "latency", delayMs: 150, jitterMs: 0, direction: "upstream" }));
    const a = await get(proxy.port, "/fast");
    expect(a.ms).toBeGreaterThanOrEqual(150);
  });

  it("bandwidth caps throughput at the rate", async () => {
    proxy.setRule(rule({ toxic: "bandwidth", bytesPerSecond: 1_000_000 }));
    const a = await get(proxy.port, "/blob?bytes=1000000");
    expect(a.bytes).toBe(1_000_000);
    const rate = a.bytes / (a.ms / 1_000);
    // Pieces leave when a link at the rate would have sent them: never faster. A busy machine sends them
    // late, so the lower bound only tells a paced transfer from one stuck on a piece: half the rate.
    expect(rate).toBeLessThanOrEqual(1_000_000 * 1.01);
    expect(rate).toBeGreaterThan(1_000_000 / 2);
  });

  it("slicer hands data on in small pieces, delay apart", async () => {
    echoProxy.setRule(rule({ toxic: "slicer", averageSize: 10, sizeVariation: 2, delayMs: 5 }));
    const c = await rawClient(echoProxy.port);
    c.socket.write(Buffer.alloc(200, 97));
    expect(await c.waitFor(200)).toBe(200);
    // At least ⌈200 / 12⌉ = 17 pieces leave 5ms apart, so the last arrives ≥ 80ms after the first; the
    // reader may get two pieces in one read when a timer fires late, so only "many reads" is asserted.
    expect(c.chunks.length).toBeGreaterThanOrEqual(5);
    expect(c.chunks.at(-1)!.at - c.chunks[0]!.at).toBeGreaterThanOrEqual(16 * 5 - 1);
    c.socket.destroy();
  });

  it("limit-data passes N bytes, then closes the connection", async () => {
    echoProxy.setRule(rule({ toxic: "limit-data", bytes: 100 }));
    const c = await rawClient(echoProxy.port);
    c.socket.write(Buffer.alloc(300, 97));
    await c.ended;
    expect(c.received().length).toBe(100);
    c.socket.destroy();
  });

  it("timeout drops everything and closes after the timeout", async () => {
    echoProxy.setRule(rule({ toxic: "timeout", timeoutMs: 300 }));
    const c = await rawClient(echoProxy.port);
    const started = performance.now();
    c.socket.write("hello");
    const endedAt = await c.ended;
    expect(c.received().length).toBe(0);
    expect(endedAt - started).toBeGreaterThanOrEqual(295);
    // Closed by its timer: load makes it late, never early; twice the timeout would be a timer gone wrong.
    expect(endedAt - started).toBeLessThan(2 * 300 + 500);
    c.socket.destroy();
  });

  it("blackhole accepts and never answers; once removed, the same connection answers again", async () => {
    echoProxy.setRule(rule({ toxic: "blackhole" }));
    const c = await rawClient(echoProxy.port);
    c.socket.write("lost");
    expect(await c.waitFor(1, 500)).toBe(0);
    echoProxy.removeRule("t");
    c.socket.write("back");
    expect(await c.waitFor(4)).toBe(4);
    expect(c.received().toString()).toBe("back");
    c.socket.destroy();
  });

  it("reset-peer resets the connection (ECONNRESET) after the timeout", async () => {
    proxy.setRule(rule({ toxic: "reset-peer", timeoutMs: 100 }));
    const a = await get(proxy.port, "/fast");
    expect(a.error).toBe("ECONNRESET");
    expect(a.ms).toBeGreaterThanOrEqual(95);
    proxy.removeRule("t");
    expect((await get(proxy.port, "/fast")).status).toBe(200);
  });

  it("slow-close holds the end of the stream for the delay", async () => {
    echoProxy.setRule(rule({ toxic: "slow-close", delayMs: 400 }));
    const c = await rawClient(echoProxy.port);
    c.socket.end("bye"); // the echo server answers and ends its side
    expect(await c.waitFor(3)).toBe(3);
    const dataAt = c.chunks[0]!.at;
    const endedAt = await c.ended;
    expect(endedAt - dataAt).toBeGreaterThanOrEqual(390);
  });

  it("probability hits about that share of new connections (binomial, 4σ)", async () => {
    proxy.setRule(rule({ toxic: "reset-peer", timeoutMs: 0, probability: 0.5 }));
    let reset = 0;
    const n = 200;
    for (let i = 0; i < n; i += 20) {
      const answers = await Promise.all(Array.from({ length: 20 }, () => get(proxy.port, "/fast")));
      reset += answers.filter((a) => a.error === "ECONNRESET").length;
    }
    // σ = √(n·p·(1−p)) ≈ 7.1: within 4σ unless something is wrong (false alarm ≈ 6e-5).
    expect(Math.abs(reset - n * 0.5)).toBeLessThanOrEqual(4 * Math.sqrt(n * 0.25));
  });

  it("a rule filtered by source leaves other clients' connections alone", async () => {
    proxy.setRule(rule({ toxic: "reset-peer", timeoutMs: 0, sources: ["10.9.9.9"] }));
    expect((await get(proxy.port, "/fast")).status).toBe(200);
    proxy.setRule(rule({ toxic: "reset-peer", timeoutMs: 0, sources: ["127.0.0.1"] }));
    expect((await get(proxy.port, "/fast")).error).toBe("ECONNRESET");
  });

  it("a refused upstream shows as a reset to the client", async () => {
    const dead = await FaultProxy.start({ listen: { host: "127.0.0.1", port: 0 }, upstreams: [{ host: "127.0.0.1", port: 1 }] });
    const a = await get(dead.port, "/fast");
    expect(a.error).toBe("ECONNRESET");
    await dead.close();
  });

  it("the control API sets, lists and removes rules, and refuses invalid ones with the reason", async () => {
    const server = await startControlServer(echoProxy, 0, "127.0.0.1", "t0ken");
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const control = new ProxyControlClient(base, "t0ken");
    await control.set(rule({ id: "c", toxic: "latency", delayMs: 5, jitterMs: 0 }));
    expect(await control.rules()).toEqual([{ id: "c", direction: "downstream", probability: 1, toxic: "latency", delayMs: 5, jitterMs: 0 }]);
    await expect(control.set(rule({ id: "bad", toxic: "latency", delayMs: -1, jitterMs: 0 }))).rejects.toThrow(
      'fault proxy PUT /rules/bad: 400 {"error":"delayMs: Too small: expected number to be >=0"}',
    );
    await control.remove("c");
    await control.remove("c"); // already gone: not an error
    expect(await control.rules()).toEqual([]);
    expect(await control.stats()).toMatchObject({ open: expect.any(Number), accepted: expect.any(Number) });
    server.close();
  });

  it("respects backpressure: a client that stops reading stops the server's writes", async () => {
    const c = await rawClient(echoProxy.port);
    c.socket.pause();
    const payload = Buffer.alloc(1 << 20);
    let accepted = 0;
    // Write until the path (client buffers, proxy, server) pushes back; bounded at 256 MiB.
    while (accepted < 256 << 20) {
      const more = c.socket.write(payload);
      accepted += payload.length;
      if (!more) await Promise.race([new Promise((r) => c.socket.once("drain", r)), new Promise((r) => setTimeout(r, 100))]);
      if (c.socket.writableLength > 8 << 20) break;
    }
    // Only socket buffers and the proxy's 1 MiB high-water mark per direction can hold data: far less
    // than what was offered once the client's own buffer fills.
    const server = echo.connections.at(-1)!;
    expect(server.bytesRead).toBeLessThan(64 << 20);
    expect(c.socket.writableLength).toBeGreaterThan(0);
    c.socket.destroy();
  });
});

describe("link proxy container (real Docker)", () => {
  const runId = newRunId();
  const network = `ss-${runId}`;
  const teardown = new Teardown();
  const SCENARIO = `
version: 1
name: link-proxy
targets:
  db: { build: ../fixtures/api, port: 8080 }
  api: { build: ../fixtures/api, port: 8080, dependsOn: [db] }
load: { target: api, duration: 10s }
`;

  beforeAll(async () => {
    await docker.createNetwork({ Name: network, Driver: "bridge", Labels: runLabels(runId) });
    teardown.push(`remove network ${network}`, () => docker.getNetwork(network).remove());
  });
  afterAll(async () => {
    expect(await teardown.unwind()).toEqual([]);
    expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
  });

  /** What a container on the run network gets when it calls the proxy's control API as `db` (status, or error). */
  async function fromNetwork(method: string, path: string, body?: unknown): Promise<string> {
    const call = `fetch("http://db:8474${path}", { method: ${JSON.stringify(method)}${body === undefined ? "" : `, body: ${JSON.stringify(JSON.stringify(body))}`} })`;
    const container = await docker.createContainer({
      Image: BASE_IMAGE,
      Cmd: ["/usr/bin/node", "-e", `${call}.then((r) => console.log(r.status), (e) => console.log(e.cause?.code ?? e.message))`],
      Labels: runLabels(runId),
      HostConfig: { NetworkMode: network, AutoRemove: false },
    });
    try {
      await container.start();
      await container.wait();
      const logs = await container.logs({ stdout: true, stderr: true });
      return logs.subarray(8).toString("utf8").trim(); // one line: one frame header of 8 bytes
    } finally {
      await container.remove({ force: true });
    }
  }

  it("answers only the harness's token: another container on the run network can neither read nor change the rules", async () => {
    const scenario = parseScenario(SCENARIO, join(ROOT, "scenarios", "link-proxy.yaml"));
    const ctx = { docker, runId, runDir: tempDir("link-proxy"), teardown, signal: new AbortController().signal, log: () => undefined };
    const { db } = await startLinkProxies(ctx, network, scenario.targets);
    const { HostConfig } = await docker.getContainer(db!.containerId).inspect();
    expect(HostConfig.PortBindings).toEqual({ "8474/tcp": [{ HostIp: "127.0.0.1", HostPort: expect.any(String) }] });

    const rule: ToxicRule = { id: "mine", direction: "downstream", probability: 1, toxic: "latency", delayMs: 5, jitterMs: 0 };
    await db!.control.set(rule);
    const { id: _, ...body } = rule;
    expect(await fromNetwork("PUT", "/rules/theirs", body)).toBe("401");
    expect(await fromNetwork("DELETE", "/rules/mine")).toBe("401");
    expect(await fromNetwork("GET", "/rules")).toBe("401");
    expect(await db!.control.rules()).toEqual([rule]);
  });
});
