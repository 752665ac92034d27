// Every network fault kind against real containers, its effect measured from outside, then undone.
// Targets: db, and api calling db through the link proxy (dependsOn); host-side proxies in front of both.
import { Agent } from "node:http";
import { join } from "node:path";
import { median } from "simple-statistics";
import { GenericContainer } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Topology, Undo } from "../../harness/faults/fault.ts";
import { inNetns } from "../../harness/faults/netns.ts";
import { applySteps } from "../../harness/faults/restore.ts";
import { faultKind } from "../../harness/faults/registry.ts";
import type { FaultKindName } from "../../harness/specs/faults/registry.ts";
import { startHostProxies, type HostProxy } from "../../harness/proxy/host-proxies.ts";
import { newRunId } from "../../harness/run/orchestrator.ts";
import { Teardown } from "../../harness/contracts/teardown.ts";
import { runTopology } from "../../harness/run/topology.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import { startTargets, type RunningTargets } from "../../harness/targets/containers.ts";
import { BASE_IMAGE } from "../../harness/docker/images.ts";
import { networkAddress, type Replica } from "../../harness/docker/replica.ts";
import { startApi } from "./fault-target.ts";
import { docker, leftovers, ROOT, tempDir } from "./helpers.ts";
import { expectDelayedOnce, expectUndone } from "./latency.ts";
import { get, rawGet, tryConnect } from "./sockets.ts";
import type { RestoreStep } from "../../harness/contracts/restore-steps.ts";
const SCENARIO = `
version: 1
name: net-faults
targets:
  db: { build: ../fixtures/api, port: 8080, health: { path: /healthz } }
  api:
    build: ../fixtures/api
    port: 8080
    dependsOn: [db]
    env: { UPSTREAM_URL: "http://db:8080/work", UPSTREAM_TIMEOUT_MS: "500" }
    health: { path: /healthz }
load: { target: api, duration: 1m }
`;

describe("network faults (real Docker)", () => {
  const runId = newRunId();
  const teardown = new Teardown();
  const stop = new AbortController();
  let targets: RunningTargets;
  let proxies: Map<string, HostProxy>;
  let topology: Topology;
  let api: Replica;
  let db: Replica;
  let dbAddress: string;
  const proxied = (r: Replica) => proxies.get(r.containerId)!;

  beforeAll(async () => {
    const scenario = parseScenario(SCENARIO, join(ROOT, "scenarios", "net-faults.yaml"));
    const ctx = { docker, runId, runDir: tempDir("net-faults"), teardown, signal: stop.signal, log: () => undefined };
    targets = await startTargets(ctx, scenario.targets, { portNetwork: new Set(["db"]) });
    proxies = await startHostProxies(targets.replicas, { api: { http: true }, db: { http: false } }, teardown, () => undefined);
    topology = runTopology(targets, proxies);
    [api, db] = [targets.replicas.api![0]!, targets.replicas.db![0]!];
    dbAddress = await networkAddress(docker, db.containerId, targets.network);
  });
  afterAll(async () => {
    expect(await teardown.unwind()).toEqual([]);
    expect(await leftovers(runId)).toEqual({ containers: [], networks: [] });
  });

  /** Injects a fault the way a run does; the test undoes it. */
  async function inject(kind: FaultKindName, target: "api" | "db", params: Record<string, unknown> = {}, steps: RestoreStep[] = []): Promise<Undo> {
    const k = faultKind(kind);
    const spec = { ...k.params.parse(params), kind, target, atMs: 0, durationMs: 60_000 };
    const undo = await k.inject(
      { docker, victims: targets.replicas[target]!, topology, signal: stop.signal, log: () => undefined, willChange: (s) => steps.push(s), tag: `net-${kind}` },
      spec,
    );
    return undo!;
  }
  /** Injects, checks the effect, undoes; then the namespaces' rules and qdiscs are exactly as before. */
  async function during(kind: FaultKindName, target: "api" | "db", params: Record<string, unknown>, check: () => Promise<void>) {
    const before = await kernelState();
    const undo = await inject(kind, target, params);
    try {
      await check();
    } finally {
      await undo();
    }
    expect(await kernelState()).toEqual(before);
  }
  const kernelState = () =>
    Promise.all(
      [api, db].map(async (r) => [
        await inNetns(docker, r, ["iptables", "-w", "5", "-S"]),
        // A reconnected network comes back as a new interface (eth1 → eth2): compare qdiscs, not names.
        (await inNetns(docker, r, ["tc", "qdisc", "show"])).replace(/dev eth\d+/g, "dev eth*"),
      ]),
    );
  const medianMs = async (url: string, path: string, agent: Agent, n = 15) => {
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = await get(Number(new URL(url).port), path, { agent });
      expect(a.status, JSON.stringify(a)).toBe(200);
      ms.push(a.ms);
    }
    return median(ms);
  };
  const port = (url: string) => Number(new URL(url).port);
  /** Retries until the check passes (a link heals at the next connection), at most `ms`. */
  async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) if (await check()) return true;
    return false;
  }

  it("kernel faults and partition log their undo before acting: replaying the log (cleanup after a SIGKILL) restores namespaces and networks exactly", async () => {
    const before = await kernelState();
    const aliases = async () => (await docker.getContainer(db.containerId).inspect()).NetworkSettings.Networks[targets.network]?.Aliases;
    const aliasesBefore = await aliases();
    const steps: RestoreStep[] = [];
    try {
      await inject("loss", "db", { ratio: "30%" }, steps);
      await inject("reject", "api", {}, steps);
      await inject("bandwidth-tc", "db", { rate: "1MB/s" }, steps); // one qdisc per interface of db
      await inject("partition", "db", { from: "api" }, steps); // rules on both sides
      await inject("partition", "db", {}, steps); // off the run network
      expect(await kernelState()).not.toEqual(before);
      expect(await aliases()).toBeUndefined();
      expect(steps.length).toBeGreaterThanOrEqual(7);
      expect(steps.filter((st) => st.op !== "netns")).toEqual([
        { op: "connect", container: db.containerId, network: targets.network, endpoint: { Aliases: aliasesBefore!.filter((a: string) => !db.containerId.startsWith(a)) } },
      ]);
    } finally {
      await applySteps(docker, steps); // the undos themselves are never called: as after a SIGKILL
    }
    expect(await kernelState()).toEqual(before);
    expect(await aliases()).toEqual(aliasesBefore);
    dbAddress = await networkAddress(docker, db.containerId, targets.network); // Docker may hand out another one
    await applySteps(docker, steps); // replaying twice is harmless
    expect(await kernelState()).toEqual(before);
    expect(await eventually(async () => (await get(port(api.url), "/work")).status === 200)).toBe(true);
  });

  it("latency 200ms on the host side delays every request by 200ms once, undone without dropping that or other connections", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const other = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await medianMs(proxied(api).url, "/healthz", agent);
    await medianMs(proxied(db).url, "/healthz", other, 3);
    const accepted = [proxied(api).tcp.stats().accepted, proxied(db).tcp.stats().accepted];
    let duringMs = 0;
    await during("latency", "api", { delay: "200ms" }, async () => {
      duringMs = await medianMs(proxied(api).url, "/healthz", agent);
      expect(await medianMs(proxied(db).url, "/healthz", other, 5)).toBeLessThan(200);
    });
    const after = await medianMs(proxied(api).url, "/healthz", agent);
    expectDelayedOnce(before, duringMs, 200);
    expectUndone(before, after, 200);
    expect([proxied(api).tcp.stats().accepted, proxied(db).tcp.stats().accepted]).toEqual(accepted);
    agent.destroy();
    other.destroy();
  });

  it("latency on the link api→db (from: api) delays api's calls to db by 200ms once", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await medianMs(api.url, "/work", agent);
    let duringMs = 0;
    await during("latency", "db", { delay: "200ms", from: "api" }, async () => {
      duringMs = await medianMs(api.url, "/work", agent);
      expect(await link().rules()).toHaveLength(1);
    });
    expectDelayedOnce(before, duringMs, 200);
    expect(await link().rules()).toEqual([]);
    expectUndone(before, await medianMs(api.url, "/work", agent), 200);
    agent.destroy();
  });
  const link = () => targets.links.db!.control;

  it("loss 30% fails about 30% of new connections (binomial, 4σ), then none", async () => {
    const n = 300;
    const attempt = async (count: number) => {
      const outcomes: string[] = [];
      // A dropped SYN is sent again after 1s (Linux's initial RTO): a 500ms connect timeout counts it lost.
      for (let i = 0; i < count; i += 50) outcomes.push(...(await Promise.all(Array.from({ length: 50 }, () => tryConnect(dbAddress, 8080, 500)))));
      return outcomes;
    };
    let lost = 0;
    await during("loss", "db", { ratio: "30%" }, async () => {
      lost = (await attempt(n)).filter((o) => o === "timeout").length;
    });
    // σ = √(300 · 0.3 · 0.7) ≈ 7.9
    expect(Math.abs(lost - n * 0.3)).toBeLessThanOrEqual(4 * Math.sqrt(n * 0.3 * 0.7));
    expect(new Set(await attempt(50))).toEqual(new Set(["ok"]));
  });

  it("reject refuses new connections with a reset, then accepts them again", async () => {
    await during("reject", "db", {}, async () => {
      expect(await tryConnect(dbAddress, 8080, 1_000)).toBe("ECONNREFUSED");
      expect((await get(port(api.url), "/healthz")).status).toBe(200);
    });
    expect(await tryConnect(dbAddress, 8080, 1_000)).toBe("ok");
  });

  it("bandwidth-tc caps what the target sends at the rate (tc tbf), then lifts", async () => {
    const rate = 500_000; // 4Mbit
    let measured = 0;
    await during("bandwidth-tc", "db", { rate: "4Mbit" }, async () => {
      const a = await get(port(db.url), "/blob?bytes=1000000", { timeoutMs: 10_000 });
      expect(a.bytes).toBe(1_000_000);
      measured = a.bytes / (a.ms / 1_000);
    });
    // tbf lets a 10KB burst through, then the rate: never more than that, less under a busy CPU.
    expect(measured).toBeLessThanOrEqual(rate * 1.05);
    expect(measured).toBeGreaterThan(rate * 0.7);
    const after = await get(port(db.url), "/blob?bytes=1000000");
    expect(after.bytes / (after.ms / 1_000)).toBeGreaterThan(rate * 4);
  });

  it("bandwidth on the host side caps a download at the rate", async () => {
    let measured = 0;
    await during("bandwidth", "api", { rate: "1MB/s" }, async () => {
      const a = await get(port(proxied(api).url), "/blob?bytes=1000000", { timeoutMs: 10_000 });
      expect(a.bytes).toBe(1_000_000);
      measured = a.bytes / (a.ms / 1_000);
    });
    expect(measured).toBeLessThanOrEqual(1_000_000 * 1.01);
    expect(measured).toBeGreaterThan(1_000_000 / 1.25);
  });

  it("reset-peer, timeout and blackhole on the host side: reset, closed unanswered, never answered", async () => {
    const url = proxied(api).url;
    await during("reset-peer", "api", {}, async () => {
      expect(await get(port(url), "/healthz")).toMatchObject({ error: "ECONNRESET" });
    });
    await during("timeout", "api", { timeout: "300ms" }, async () => {
      const a = await get(port(url), "/healthz");
      expect(a.status).toBeUndefined();
      expect(a.error).toBe("ECONNRESET"); // node's "socket hang up": closed without an answer
      expect(a.ms).toBeGreaterThanOrEqual(290);
    });
    await during("blackhole", "api", {}, async () => {
      expect(await get(port(url), "/healthz", { timeoutMs: 800 })).toMatchObject({ error: "timeout" });
    });
    expect(await get(port(url), "/healthz")).toMatchObject({ status: 200 });
  });

  it("limit-data, slicer and slow-close on the host side, seen on raw connections", async () => {
    const url = proxied(db).url;
    await during("limit-data", "db", { bytes: 100 }, async () => {
      const c = await rawGet(port(url), "/blob?bytes=10000");
      await c.ended;
      expect(c.received().length).toBe(100);
      c.socket.destroy();
    });
    await during("slicer", "db", { averageSize: 200, delay: "5ms" }, async () => {
      const c = await rawGet(port(url), "/blob?bytes=4000");
      await c.ended;
      expect(c.received().length).toBeGreaterThan(4_000);
      // ≥ 20 pieces 5ms apart; reads may merge pieces when a timer fires late.
      expect(c.chunks.length).toBeGreaterThanOrEqual(5);
      expect(c.chunks.at(-1)!.at - c.chunks[0]!.at).toBeGreaterThanOrEqual(19 * 5 - 1);
      c.socket.destroy();
    });
    await during("slow-close", "db", { delay: "400ms" }, async () => {
      const c = await rawGet(port(url), "/healthz");
      const endedAt = await c.ended;
      expect(c.received().toString()).toMatch(/^HTTP\/1.1 200 OK/);
      expect(endedAt - c.chunks.at(-1)!.at).toBeGreaterThanOrEqual(390);
      c.socket.destroy();
    });
  });

  it("http-error answers about half of /work with 503 (binomial, 4σ), leaves /healthz alone", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 10 });
    const url = proxied(api).url;
    await during("http-error", "api", { status: 503, ratio: "50%", path: "/work" }, async () => {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(...(await Promise.all(Array.from({ length: 50 }, () => get(port(url), "/work", { agent })))));
      const errors = answers.filter((a) => a.status === 503).length;
      expect(answers.every((a) => a.status === 503 || a.status === 200)).toBe(true);
      expect(Math.abs(errors - 100)).toBeLessThanOrEqual(4 * Math.sqrt(200 * 0.25));
      const health = await Promise.all(Array.from({ length: 20 }, () => get(port(url), "/healthz", { agent })));
      expect(health.every((a) => a.status === 200)).toBe(true);
    });
    agent.destroy();
  });

  it("http-abort resets requests; http-delay holds them for the delay, once", async () => {
    const url = proxied(api).url;
    await during("http-abort", "api", {}, async () => {
      expect(await get(port(url), "/healthz")).toMatchObject({ error: "ECONNRESET" });
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = await medianMs(url, "/healthz", agent);
    let duringMs = 0;
    await during("http-delay", "api", { delay: "300ms", path: "/healthz" }, async () => {
      duringMs = await medianMs(url, "/healthz", agent, 10);
    });
    expectDelayedOnce(before, duringMs, 300);
    agent.destroy();
  });

  it("partition from the network: api loses db, the host keeps db's port, the undo restores its aliases", async () => {
    const aliases = async () => (await docker.getContainer(db.containerId).inspect()).NetworkSettings.Networks[targets.network]?.Aliases;
    const before = await aliases();
    await during("partition", "db", {}, async () => {
      expect(await aliases()).toBeUndefined();
      expect((await get(port(api.url), "/work")).status).toBe(502);
      expect((await get(port(db.url), "/healthz")).status).toBe(200);
    });
    expect(await aliases()).toEqual(before);
    expect(await eventually(async () => (await get(port(api.url), "/work")).status === 200)).toBe(true);
  });

  it("partition of a container the run does not own cuts it off each of its networks; the undo, or the log alone, connects it again as found", async () => {
    const ext = await startApi();
    const shop = await docker.createNetwork({ Name: `ss-test-${runId}-shop`, IPAM: { Config: [{ Subnet: "10.231.77.0/24" }] } });
    try {
      await shop.connect({ Container: ext.victim.containerId, EndpointConfig: { Aliases: ["orders"], IPAMConfig: { IPv4Address: "10.231.77.9" } } });
      const victim: Replica = { ...ext.victim, target: "ext", external: true };
      const state = async () => {
        const info = await docker.getContainer(victim.containerId).inspect();
        const networks = Object.entries(info.NetworkSettings.Networks).map(([name, n]) => [name, n.IPAddress, [...(n.Aliases ?? [])].sort()]);
        return { networks, ports: info.NetworkSettings.Ports };
      };
      const before = await state();
      expect(before.networks.map(([name]) => name).sort()).toEqual(["bridge", `ss-test-${runId}-shop`]);
      const spec = { kind: "partition", target: "ext", atMs: 0, durationMs: 60_000 };
      const ctx = (steps: RestoreStep[]) => ({ docker, victims: [victim], topology, signal: stop.signal, log: () => undefined, willChange: (s: RestoreStep) => steps.push(s), tag: "ext" });

      const logged: RestoreStep[] = [];
      const undo = await faultKind("partition").inject(ctx(logged), spec);
      expect((await state()).networks).toEqual([]);
      expect((await get(victim.hostPort, "/healthz", { timeoutMs: 1_000 })).status).toBeUndefined(); // its published port went with them
      expect(logged.map((s) => (s.op === "connect" ? `${s.network} ${JSON.stringify(s.endpoint)}` : s.op)).sort()).toEqual([
        'bridge {"Aliases":[]}',
        `ss-test-${runId}-shop {"Aliases":["orders"],"IPAMConfig":{"IPv4Address":"10.231.77.9"}}`,
      ]);
      await undo!();
      expect(await state()).toEqual(before);
      expect((await get(victim.hostPort, "/healthz")).status).toBe(200);

      const killed: RestoreStep[] = [];
      await faultKind("partition").inject(ctx(killed), spec); // never undone: as after a SIGKILL
      await applySteps(docker, killed);
      expect(await state()).toEqual(before);
      await applySteps(docker, killed); // replaying twice is harmless
      expect(await state()).toEqual(before);
      expect((await get(victim.hostPort, "/healthz")).status).toBe(200);
    } finally {
      await ext.container.stop({ timeout: 1 });
      await shop.remove();
    }
  });

  it("kernel faults refuse a container in the host's network namespace, having changed nothing", async () => {
    const host = await new GenericContainer(BASE_IMAGE).withNetworkMode("host").withCommand(["/usr/bin/node", "-e", "setTimeout(() => {}, 120000)"]).start();
    try {
      const victim = { target: "ext", index: 0, containerId: host.getId(), containerName: host.getName().replace(/^\//, ""), port: 8080, hostPort: 8080, url: "", external: true } as Replica;
      const hostRules = () => inNetns(docker, victim, ["iptables", "-w", "5", "-S"]);
      const before = await hostRules();
      const steps: RestoreStep[] = [];
      const ctx = { docker, victims: [victim], topology, signal: stop.signal, log: () => undefined, willChange: (s: RestoreStep) => steps.push(s), tag: "host" };
      await expect(faultKind("reject").inject(ctx, { kind: "reject", target: "ext", atMs: 0, durationMs: 1_000 })).rejects.toThrow(
        `${victim.containerName} is in the host's network namespace (network mode host): iptables and tc there would change the host itself`,
      );
      expect(steps).toEqual([]);
      expect(await hostRules()).toBe(before);
    } finally {
      await host.stop({ timeout: 1 });
    }
  });

  it("partition between api and db (iptables on both sides): api's calls to db fail, both stay reachable from the host", async () => {
    await during("partition", "db", { from: "api" }, async () => {
      expect((await inNetns(docker, api, ["iptables", "-w", "5", "-S", "INPUT"])).match(/-j DROP/g)).toHaveLength(2); // db-0 and the proxy
      expect((await get(port(api.url), "/work")).status).toBe(502);
      expect((await get(port(db.url), "/healthz")).status).toBe(200);
      expect((await get(port(api.url), "/healthz")).status).toBe(200);
    });
    expect(await eventually(async () => (await get(port(api.url), "/work")).status === 200)).toBe(true);
  });
});
