// HTTP faults behind the TCP fault proxy, as the host side runs them (real sockets, no Docker).
import { Agent } from "node:http";
import { median } from "simple-statistics";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HttpFaultLayer } from "../../harness/proxy/http-layer.ts";
import { FaultProxy } from "../../harness/proxy/proxy.ts";
import { sleep } from "../../harness/contracts/time.ts";
import { expectDelayedOnce } from "./latency.ts";
import { get, httpServer } from "./sockets.ts";

describe("HTTP faults (real sockets)", () => {
  let server: Awaited<ReturnType<typeof httpServer>>;
  let layer: HttpFaultLayer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await httpServer();
    layer = await HttpFaultLayer.start({ host: "127.0.0.1", port: server.port });
    proxy = await FaultProxy.start({ listen: { host: "127.0.0.1", port: 0 }, upstreams: [{ host: "127.0.0.1", port: layer.port }] });
  });
  afterAll(async () => {
    await proxy.close();
    await layer.close();
    server.close();
  });
  afterEach(() => {
    for (const id of ["e", "a", "d"]) layer.removeRule(id);
  });

  const many = (n: number, path: string, agent?: Agent) => Promise.all(Array.from({ length: n }, () => get(proxy.port, path, agent ? { agent } : {})));

  it("forwards requests and bodies unchanged", async () => {
    expect(await get(proxy.port, "/blob?bytes=2000000")).toMatchObject({ status: 200, bytes: 2_000_000 });
    expect(await get(proxy.port, "/nope")).toMatchObject({ status: 404 });
  });

  it("http-error answers the ratio of matching requests itself (binomial, 4σ); other paths pass", async () => {
    layer.setRule({ id: "e", http: "error", status: 503, ratio: 0.5, path: "/fast" });
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    const hitsBefore = server.hits["/fast"] ?? 0;
    const answers = [...(await many(200, "/fast", agent)), ...(await many(200, "/fast", agent))];
    const errors = answers.filter((a) => a.status === 503).length;
    expect(answers.filter((a) => a.status !== 503).every((a) => a.status === 200)).toBe(true);
    // σ = √(400 · 0.25) = 10
    expect(Math.abs(errors - 200)).toBeLessThanOrEqual(40);
    // Answered by the proxy: the server never saw those requests.
    expect((server.hits["/fast"] ?? 0) - hitsBefore).toBe(400 - errors);
    expect((await many(20, "/blob?bytes=10")).every((a) => a.status === 200)).toBe(true);
    agent.destroy();
  });

  it("http-abort resets the connection without an answer", async () => {
    layer.setRule({ id: "a", http: "abort", ratio: 1 });
    expect(await get(proxy.port, "/fast")).toMatchObject({ error: "ECONNRESET" });
    layer.removeRule("a");
    expect(await get(proxy.port, "/fast")).toMatchObject({ status: 200 });
  });

  it("http-delay delays matching requests by the delay, once", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const series = async () => {
      const ms: number[] = [];
      for (let i = 0; i < 10; i++) ms.push((await get(proxy.port, "/fast", { agent })).ms);
      return median(ms);
    };
    const before = await series();
    layer.setRule({ id: "d", http: "delay", delayMs: 300, ratio: 1, path: "/fast" });
    const during = await series();
    expectDelayedOnce(before, during, 300);
    agent.destroy();
  });

  it("removing http-delay forwards the requests it holds at once, not after their delay", async () => {
    layer.setRule({ id: "d", http: "delay", delayMs: 10_000, ratio: 1, path: "/fast" });
    const hitsBefore = server.hits["/fast"] ?? 0;
    const answers = Promise.all(Array.from({ length: 3 }, () => get(proxy.port, "/fast", { timeoutMs: 5_000 })));
    await sleep(300);
    expect((server.hits["/fast"] ?? 0) - hitsBefore).toBe(0); // held: the server has not seen them
    expect(layer.removeRule("d")).toBe(true);
    const removedAt = Date.now();
    const done = await answers;
    expect(done.map((a) => a.status)).toEqual([200, 200, 200]);
    // Released by the removal, not by the delay running out: a tenth of it leaves a busy machine its margin.
    expect(Date.now() - removedAt).toBeLessThan(10_000 / 10);
    expect(done.every((a) => a.ms >= 290)).toBe(true);
    expect((server.hits["/fast"] ?? 0) - hitsBefore).toBe(3);
  });
});
