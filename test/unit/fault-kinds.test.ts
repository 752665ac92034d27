// The fault kinds as a whole: every kind says what its undo does (shown by `--dry-run`), an undo made of
// parts attempts every part, partition logs its reconnect before it disconnects, the journal keeps the
// seed that drew the victims, and doctor reports what the resource faults need.
import type Docker from "dockerode";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cgroupV1Status } from "../../harness/faults/capabilities.ts";
import { undoParts, type FaultContext, type Undo } from "../../harness/faults/fault.ts";
import { partitionRuntime as partition } from "../../harness/faults/partition.ts";
import { faultKinds, type FaultKindName } from "../../harness/specs/faults/registry.ts";
import type { RestoreStep } from "../../harness/contracts/restore-steps.ts";
import { capabilityChecks, renderDoctor } from "../../harness/cli/doctor.ts";
import { renderDryRun } from "../../harness/cli/dry-run.ts";
import { FaultRunner, type InjectContext } from "../../harness/run/inject.ts";
import { planFaults } from "../../harness/run/schedule.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import type { Replica } from "../../harness/docker/replica.ts";
import { CAPABILITIES, type HostCapabilities } from "../../harness/specs/faults/capabilities.ts";
const file = join(import.meta.dirname, "..", "..", "scenarios", "inline.yaml");

/** The parameters each kind cannot do without. */
const REQUIRED: Partial<Record<FaultKindName, string>> = {
  latency: "delay: 100ms",
  bandwidth: "rate: 1MB/s",
  "slow-close": "delay: 100ms",
  "limit-data": "bytes: 100",
  "http-delay": "delay: 100ms",
  loss: "ratio: 10%",
  "bandwidth-tc": "rate: 1MB/s",
  "cpu-throttle": "cpus: 0.5",
  "memory-limit": "limit: 64m",
  "memory-hog": "size: 8m",
  "disk-fill": "size: 1m",
};

function everyKind(): string {
  const windowed = new Set<string>(["crash", "restart", "kill-process"]);
  const lines = faultKinds.map((kind, i) => {
    const params = REQUIRED[kind] ? `, ${REQUIRED[kind]}` : "";
    return `  - { kind: ${kind}, target: api, at: ${1 + 2 * i}s${windowed.has(kind) ? "" : ", duration: 1s"}${params} }`;
  });
  return `version: 1
name: every-kind
targets:
  db: { build: ../fixtures/api, port: 8080 }
  api: { build: ../fixtures/api, port: 8080, replicas: 3, dependsOn: [db] }
load: { target: api, duration: 2m }
faults:
${lines.join("\n")}
`;
}

describe("fault kinds", () => {
  it("every registered kind says what its undo does, and --dry-run shows it", () => {
    const s = parseScenario(everyKind(), file, "inline.yaml");
    const plan = planFaults(s);
    expect(plan.map((p) => p.spec.kind)).toEqual(faultKinds);
    expect(Object.fromEntries(plan.map((p) => [p.spec.kind, p.kind.revert(p.spec)]))).toEqual({
      crash: "none: the restart policy (or the system) must heal it",
      pause: "unpause if still paused",
      restart: "none: the container is started again as part of the fault",
      stop: "start the container if it is not running",
      latency: "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      bandwidth: "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      "slow-close": "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      timeout: "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      "reset-peer": "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      slicer: "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      "limit-data": "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      blackhole: "remove the rule from the fault proxy on api: connections stay open, held data goes on at once",
      "http-error": "remove the rule from the fault proxy in front of api",
      "http-abort": "remove the rule from the fault proxy in front of api",
      "http-delay": "remove the rule from the fault proxy in front of api: requests it holds are forwarded at once",
      loss: "delete the DROP rule (iptables -D) if still there",
      reject: "delete the REJECT rule (iptables -D) if still there",
      partition: "connect it again to each network it left, with the same aliases and configured addresses",
      "bandwidth-tc": "delete the tbf qdisc (tc qdisc del … handle 5353:) where still there",
      "cpu-throttle": "write back the prior CPU quota (cpu.cfs_quota_us)",
      "memory-limit": "write back the prior memory limit (memory.limit_in_bytes)",
      "cpu-burn": "end the burner process",
      "memory-hog": "delete the charged tmpfs file (frees the memory)",
      "disk-fill": "delete the fill file",
      "kill-process": "none: what the process does with the signal is the system's to heal",
    });
    const rows = renderDryRun(s).split("\n").filter((l) => l.startsWith("+"));
    expect(rows).toHaveLength(faultKinds.length);
    expect(rows.filter((r) => r.trimEnd().endsWith("—"))).toEqual([]);
  });

  it("an undo made of parts undoes them newest first, attempts every part past failures, and throws them all", async () => {
    const done: string[] = [];
    const part = (name: string, fails = false): Undo => async () => {
      done.push(name);
      if (fails) throw new Error(`${name} failed`);
    };
    const parts = [part("oom score"), part("limit", true)];
    const undo = undoParts(parts);
    parts.push(part("tmpfs file", true)); // pushed after: still undone
    await expect(undo()).rejects.toThrow("tmpfs file failed; limit failed");
    expect(done).toEqual(["tmpfs file", "limit", "oom score"]);
  });

  it("partition of a named container logs the reconnect to each of its networks before disconnecting it", async () => {
    const calls: string[] = [];
    const networks = {
      bridge: { Aliases: null, IPAMConfig: null, Links: null },
      shop: { Aliases: ["orders", "c0ffee0c0ffe"], IPAMConfig: { IPv4Address: "10.9.0.7" }, Links: null },
    };
    const info = { Id: "c0ffee0c0ffee0", HostConfig: { NetworkMode: "bridge", PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "38123" }] } }, NetworkSettings: { Networks: networks } };
    const docker = {
      getContainer: () => ({ inspect: async () => info }),
      getNetwork: (name: string) => ({ disconnect: async () => void calls.push(`disconnect ${name}`) }),
    } as unknown as Docker;
    const victim = { target: "ext", containerId: info.Id, containerName: "shop-orders", port: 8080, external: true } as Replica;
    const ctx = {
      docker,
      victims: [victim],
      topology: { network: "steadystate-run" },
      log: () => undefined,
      willChange: (step: RestoreStep) => void calls.push(`log ${JSON.stringify(step)}`),
    } as unknown as FaultContext;
    await partition.inject(ctx, { kind: "partition", target: "ext", atMs: 0, durationMs: 1_000 });
    expect(calls).toEqual([
      `log {"op":"connect","container":"c0ffee0c0ffee0","network":"bridge","endpoint":{"Aliases":[]}}`,
      "disconnect bridge",
      `log {"op":"connect","container":"c0ffee0c0ffee0","network":"shop","endpoint":{"Aliases":["orders"],"IPAMConfig":{"IPv4Address":"10.9.0.7"}}}`,
      "disconnect shop",
    ]);
  });

  it("partition refuses a named container whose port Docker would publish elsewhere after a reconnect, before touching it", async () => {
    const calls: string[] = [];
    const info = { Id: "c1", HostConfig: { NetworkMode: "bridge", PortBindings: { "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } }, NetworkSettings: { Networks: { bridge: {} } } };
    const docker = { getContainer: () => ({ inspect: async () => info }), getNetwork: () => ({ disconnect: async () => void calls.push("disconnect") }) } as unknown as Docker;
    const victim = { target: "ext", containerId: "c1", containerName: "shop", port: 8080, external: true } as Replica;
    const ctx = { docker, victims: [victim], topology: { network: "n" }, log: () => undefined, willChange: () => void calls.push("log") } as unknown as FaultContext;
    await expect(partition.inject(ctx, { kind: "partition", target: "ext", atMs: 0, durationMs: 1_000 })).rejects.toThrow(
      "shop publishes 8080/tcp on a host port Docker picked, and Docker picks another one when it is connected again: publish a fixed host port (docker run -p 127.0.0.1:PORT:8080) to partition it, or use loss or reject",
    );
    expect(calls).toEqual([]);
  });

  it("the journal records the seed that drew each injection's victims (null when every replica is hit)", () => {
    const s = parseScenario(
      `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080, replicas: 4 }
load: { target: api, duration: 1m }
faults:
  - { kind: pause, target: api, at: 1s, duration: 1s, select: { count: 2, seed: 42 } }
  - { kind: pause, target: api, at: 3s, duration: 1s, select: { percent: 25 }, repeat: { every: 2s, times: 2 } }
  - { kind: pause, target: api, at: 9s, duration: 1s }
`,
      file,
      "inline.yaml",
    );
    const plan = planFaults(s);
    const replicas = { api: [0, 1, 2, 3].map((index) => ({ target: "api", index, containerName: `ss-r-api-${index}` }) as Replica) };
    const records = new FaultRunner({ replicas } as unknown as InjectContext, plan).results();
    expect(records.map((r) => [r.id, r.seed, r.victims])).toEqual(plan.map((p) => [p.id, p.spec.select ? p.seed : null, p.victims.map((i) => `ss-r-api-${i}`)]));
    expect(records.map((r) => r.seed)).toEqual([42, 1, 2, null]);
  });
});

describe("doctor's capability rows", () => {
  const host = (status: Partial<HostCapabilities["capabilities"]>): HostCapabilities => ({
    cgroup: "v2",
    capabilities: { ...Object.fromEntries(CAPABILITIES.map((c) => [c, { ok: true, detail: `${c} works` }])), ...status } as HostCapabilities["capabilities"],
  });

  it("cgroup v2 or none is missing, with how to get cgroup v1", async () => {
    const fix = "boot the Docker host with cgroup v1 (kernel parameter systemd.unified_cgroup_hierarchy=0), or leave the resource faults out";
    expect(await cgroupV1Status("v2")).toEqual({ ok: false, detail: "this host uses cgroup v2 (unified hierarchy): resource faults write cgroup v1 files", fix });
    expect(await cgroupV1Status("unknown")).toEqual({ ok: false, detail: "no cgroup hierarchy found at /sys/fs/cgroup", fix });
    const checks = capabilityChecks(host({ "cgroup-v1": await cgroupV1Status("v2"), root: { ok: false, detail: "running as uid 1000", fix: "run steadystate as root" } }));
    expect(checks.map((c) => [c.name, c.required, c.ok])).toEqual([
      ["root", true, false],
      ["nsenter", true, true],
      ["iptables", true, true],
      ["iptables statistic", true, true],
      ["iptables REJECT", true, true],
      ["tc qdisc tbf", true, true],
      ["tc qdisc netem", false, true],
      ["cgroup v1", true, false],
    ]);
    const text = renderDoctor(checks);
    expect(text).toMatch(/^cgroup v1 +required +MISSING +this host uses cgroup v2 \(unified hierarchy\): resource faults write cgroup v1 files$/m);
    expect(text).toContain(`\nto fix:\n  root: run steadystate as root\n  cgroup v1: ${fix}\n`);
    expect(text).toMatch(/2 required check\(s\) failed\n$/);
  });
});
