import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CAPABILITIES, type HostCapabilities } from "../../harness/specs/faults/capabilities.ts";
import type { FaultKindSpec } from "../../harness/specs/faults/fault.ts";
import { faultSpecs } from "../../harness/specs/faults/registry.ts";
import { hostProxyNeeds, detachedTargets } from "../../harness/run/topology.ts";
import { planFaults } from "../../harness/run/schedule.ts";
import { CapabilityError, ScenarioError } from "../../harness/contracts/errors.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import { messages } from "./scenario-messages.ts";
import { needsOf } from "../../harness/specs/faults/fault.ts";
const root = join(import.meta.dirname, "..", "..");
const file = join(root, "scenarios", "inline.yaml");
const scenario = (faultsYaml: string, extra = "") =>
  `version: 1
name: t
targets:
  db: { build: ../fixtures/api, port: 5432 }
  api: { build: ../fixtures/api, port: 8080, dependsOn: [db]${extra} }
load: { target: api, duration: 30s }
faults:
${faultsYaml}`;
const parse = (text: string, opts = {}) => parseScenario(text, file, "inline.yaml", opts);

const host = (missing: Partial<Record<(typeof CAPABILITIES)[number], string>> = {}): HostCapabilities => ({
  cgroup: "v1",
  capabilities: Object.fromEntries(
    CAPABILITIES.map((c) => [c, missing[c] ? { ok: false, detail: missing[c]!, fix: "install it" } : { ok: true, detail: "works" }]),
  ) as HostCapabilities["capabilities"],
});

describe("network faults in a scenario", () => {
  it("read with Toxiproxy's defaults (downstream, every connection) and units in the API", () => {
    const s = parse(
      scenario(`  - { kind: latency, target: db, from: api, at: 1s, duration: 2s, delay: 200ms, jitter: 20ms, probability: 50% }
  - { kind: bandwidth, target: api, at: 1s, duration: 2s, rate: 1MB/s, direction: both }
  - { kind: limit-data, target: api, at: 1s, duration: 2s, bytes: 64KB }
  - { kind: slicer, target: api, at: 1s, duration: 2s }
  - { kind: http-error, target: api, at: 1s, duration: 2s, path: /work }
  - { kind: bandwidth-tc, target: db, at: 1s, duration: 2s, rate: 8Mbit }`),
    );
    expect(s.targets.api!.dependsOn).toEqual(["db"]);
    expect(s.targets.db!.dependsOn).toEqual([]);
    const [latency, bandwidth, limit, slicer, error, tc] = s.faults;
    expect(latency).toMatchObject({ delayMs: 200, jitterMs: 20, probability: 0.5, direction: "downstream", from: "api" });
    expect(bandwidth).toMatchObject({ bytesPerSecond: 1_000_000, direction: "both", probability: 1 });
    expect(limit).toMatchObject({ bytes: 64_000 });
    expect(slicer).toMatchObject({ averageSize: 64, sizeVariation: 0, delayMs: 0 });
    expect(error).toMatchObject({ status: 503, ratio: 1, path: "/work" });
    expect(tc).toMatchObject({ bytesPerSecond: 1_000_000 });
    expect(planFaults(s).map((p) => p.description)).toEqual([
      "latency +200ms ±20ms on api→db (downstream, 50% of connections)",
      "bandwidth 1MB/s on api (both)",
      "limit-data after 64KB on api (downstream)",
      "slicer into 64B pieces on api (downstream)",
      "http-error 503 on requests to api /work",
      "bandwidth-tc 1MB/s out of db",
    ]);
  });

  it("put host-side proxies in front of targets with proxy faults without `from` (HTTP layer with HTTP faults)", () => {
    const s = parse(
      scenario(`  - { kind: latency, target: db, from: api, at: 1s, duration: 2s, delay: 1s }
  - { kind: reset-peer, target: api, at: 1s, duration: 2s }
  - { kind: http-delay, target: api, at: 1s, duration: 2s, delay: 1s }
  - { kind: partition, target: db, at: 1s, duration: 2s }
  - { kind: partition, target: api, from: db, at: 1s, duration: 2s }`),
    );
    expect(hostProxyNeeds(planFaults(s))).toEqual({ api: { http: true } });
    expect([...detachedTargets(planFaults(s), s.targets)]).toEqual(["db"]);
  });

  it("refuse a link fault without dependsOn, bad dependsOn, and wrong parameters, all at once", () => {
    const text = `version: 1
name: t
targets:
  db: { build: ../fixtures/api, port: 5432, dependsOn: [db, cache] }
  api: { build: ../fixtures/api, port: 8080, dependsOn: [db, db] }
load: { target: api, duration: 30s }
faults:
  - { kind: latency, target: api, from: db, at: 1s, duration: 2s, delay: 1s }
  - { kind: reset-peer, target: db, from: db, at: 1s, duration: 2s }
  - { kind: http-error, target: api, from: db, at: 1s, duration: 2s }
  - { kind: bandwidth, target: api, at: 1s, duration: 2s, rate: fast, direction: sideways }
  - { kind: slicer, target: api, at: 1s, duration: 2s, averageSize: 10, sizeVariation: 10 }
  - { kind: latency, target: api, at: 1s, delay: 1s }
`;
    expect(messages(() => parse(text))).toEqual([
      "inline.yaml:4:57: targets.db.dependsOn[0]: a target cannot depend on itself",
      'inline.yaml:4:61: targets.db.dependsOn[1]: unknown target "cache" (valid: db, api)',
      'inline.yaml:5:62: targets.api.dependsOn[1]: "db" is listed twice',
      "inline.yaml:8:41: faults[0].from: db does not depend on api: add dependsOn: [api] to targets.db to put a fault proxy on that link",
      "inline.yaml:9:43: faults[1].from: must name another target than target",
      'inline.yaml:10:38: faults[2].from: unknown key "from" (valid: kind, target, at, duration, select, repeat, status, ratio, path)',
      'inline.yaml:11:65: faults[3].rate: "fast" is not a rate like 100KB/s, 1MB/s or 8Mbit',
      'inline.yaml:11:82: faults[3].direction: "sideways" is not allowed (valid: upstream, downstream, both)',
      "inline.yaml:12:88: faults[4].sizeVariation: sizeVariation must be smaller than averageSize",
      "inline.yaml:13:5: faults[5].duration: is required: latency lasts for a duration (e.g. duration: 3s)",
    ]);
  });

  it("every network kind is a window", () => {
    const kernel = (k: FaultKindSpec<any>) => needsOf(k, { kind: k.kind, target: "db", atMs: 0 }).includes("nsenter");
    const network = Object.values(faultSpecs).filter((k: FaultKindSpec<any>) => k.proxy || k.detaches || kernel(k));
    expect(network.map((k) => k.kind)).toEqual([
      "latency",
      "bandwidth",
      "slow-close",
      "timeout",
      "reset-peer",
      "slicer",
      "limit-data",
      "blackhole",
      "http-error",
      "http-abort",
      "http-delay",
      "loss",
      "reject",
      "partition",
      "bandwidth-tc",
    ]);
    expect(network.every((k) => k.window === "required")).toBe(true);
  });
});

describe("where a fault can act", () => {
  const targets = `version: 1
name: t
targets:
  ext: { container: my-service, port: 8080 }
  db: { build: ../fixtures/api, port: 8080 }
  lb: { build: ../fixtures/api, port: 8080, replicas: 2, balancer: haproxy }
  api: { build: ../fixtures/api, port: 8080, dependsOn: [DEPS] }
load: { target: api, duration: 30s }
faults:
`;
  const own = (deps: string, faultsYaml: string) => parse(targets.replace("DEPS", deps) + faultsYaml);

  it("refuses what needs the run network on a container the run does not own, and proxy faults a balancer bypasses, all at once", () => {
    expect(
      messages(() =>
        own(
          "db, ext",
          `  - { kind: latency, target: ext, from: api, at: 1s, duration: 2s, delay: 1s }
  - { kind: reset-peer, target: db, from: ext, at: 1s, duration: 2s }
  - { kind: partition, target: ext, from: db, at: 4s, duration: 2s }
  - { kind: partition, target: db, from: ext, at: 7s, duration: 2s }
  - { kind: latency, target: lb, at: 1s, duration: 2s, delay: 1s }
  - { kind: http-error, target: lb, at: 1s, duration: 2s }
`,
        ),
      ),
    ).toEqual([
      "inline.yaml:7:62: targets.api.dependsOn[1]: ext is a container the run does not own (targets.ext.container): it is not on the run network, so no fault proxy can answer as it there; remove it from dependsOn and fault ext without `from`",
      "inline.yaml:10:41: faults[0].from: ext is a container the run does not own (targets.ext.container): it is not on the run network, where faults between targets act; fault ext without `from` instead (in the fault proxy in front of it, or loss, reject, bandwidth-tc, partition)",
      "inline.yaml:11:43: faults[1].from: ext is a container the run does not own (targets.ext.container): it is not on the run network and does not reach db through it, so there is no link between them to fault; fault db without `from`, or let the run start ext (build or image)",
      "inline.yaml:12:43: faults[2].from: ext is a container the run does not own (targets.ext.container): it is not on the run network, where faults between targets act; fault ext without `from` instead (in the fault proxy in front of it, or loss, reject, bandwidth-tc, partition)",
      "inline.yaml:13:42: faults[3].from: ext is a container the run does not own (targets.ext.container): it is not on the run network and does not reach db through it, so there is no link between them to fault; fault db without `from`, or let the run start ext (build or image)",
      "inline.yaml:14:13: faults[4].kind: latency acts in the fault proxy in front of each replica of lb, but the load and probes reach lb through its balancer (targets.lb.balancer: haproxy), which talks to the replicas directly: the fault would change nothing; give `from` (the fault then acts on that target's link to lb) or use a kernel fault (loss, reject, bandwidth-tc, partition)",
      "inline.yaml:15:13: faults[5].kind: http-error acts in the fault proxy in front of each replica of lb, but the load and probes reach lb through its balancer (targets.lb.balancer: haproxy), which talks to the replicas directly: the fault would change nothing; use a TCP fault with `from` (on a dependent's link to lb) or a kernel fault (loss, reject, bandwidth-tc, partition)",
    ]);
  });

  it("accepts on such targets the faults that act without the run network: partition (its own networks), kernel and host-side proxy faults; `from` on a balanced target", () => {
    const s = own(
      "db, lb",
      `  - { kind: partition, target: ext, at: 1s, duration: 2s }
  - { kind: loss, target: ext, at: 4s, duration: 2s, ratio: 10% }
  - { kind: bandwidth-tc, target: ext, at: 4s, duration: 2s, rate: 1MB/s }
  - { kind: latency, target: ext, at: 7s, duration: 2s, delay: 100ms }
  - { kind: http-error, target: ext, at: 7s, duration: 2s }
  - { kind: latency, target: lb, from: api, at: 1s, duration: 2s, delay: 100ms }
  - { kind: reject, target: lb, at: 4s, duration: 2s }
`,
    );
    const plan = planFaults(s);
    expect(plan.map((p) => p.description)).toEqual([
      "partition ext from the network",
      "latency +100ms on api→lb (downstream)",
      "loss 10% of packets to ext",
      "bandwidth-tc 1MB/s out of ext",
      "reject connections to lb (TCP reset)",
      "latency +100ms on ext (downstream)",
      "http-error 503 on requests to ext",
    ]);
    // A named container is not on the run network: no network of its own for its published port either.
    expect([...detachedTargets(plan, s.targets)]).toEqual([]);
    expect(hostProxyNeeds(plan)).toEqual({ ext: { http: true } });
  });
});

describe("capabilities at validation time", () => {
  const kernel = scenario(`  - { kind: loss, target: db, at: 1s, duration: 2s, ratio: 30% }
  - { kind: bandwidth-tc, target: db, at: 5s, duration: 2s, rate: 1MB/s }
  - { kind: partition, target: db, at: 9s, duration: 2s }
  - { kind: partition, target: db, from: api, at: 12s, duration: 2s }
  - { kind: latency, target: db, at: 15s, duration: 2s, delay: 1s }`);

  it("pass when the machine has what the faults need", () => {
    expect(parse(kernel, { capabilities: host() }).faults).toHaveLength(5);
  });

  it("refuse, located, with what is missing and what to use instead (exit 3, never a tool's output)", () => {
    const missing = host({ "tc-tbf": "the tbf qdisc is not available in this kernel (sch_tbf)", iptables: "iptables is not installed", "iptables-statistic": "iptables is not installed" });
    let error: unknown;
    try {
      parse(kernel, { capabilities: missing });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CapabilityError);
    expect((error as CapabilityError).exitCode).toBe(3);
    expect((error as CapabilityError).message.split("\n")).toEqual([
      "inline.yaml: this machine cannot inject 3 fault(s):",
      "  inline.yaml:8:13: faults[0].kind: iptables is not installed: use kind reset-peer with `probability` (fault proxy)",
      "  inline.yaml:9:13: faults[1].kind: the tbf qdisc is not available in this kernel (sch_tbf): use kind bandwidth (fault proxy)",
      "  inline.yaml:11:13: faults[3].kind: iptables is not installed: use kind blackhole with `from` (fault proxy), or partition without `from` (network disconnect)",
    ]);
    expect((error as CapabilityError).fix).toBe("run `steadystate doctor` to see what this machine has and how to add what is missing");
  });

  it("refuse resource faults without cgroup v1 or root, and crash and kill-process without root, with how to get them", () => {
    const resources = scenario(`  - { kind: cpu-throttle, target: db, at: 1s, duration: 2s, cpus: 0.5 }
  - { kind: memory-limit, target: db, at: 1s, duration: 2s, limit: 64m }
  - { kind: cpu-burn, target: db, at: 1s, duration: 2s }
  - { kind: memory-hog, target: db, at: 1s, duration: 2s, size: 8m }
  - { kind: disk-fill, target: db, at: 1s, duration: 2s, size: 1m }
  - { kind: crash, target: api, at: 5s }
  - { kind: kill-process, target: api, at: 6s }
  - { kind: pause, target: api, at: 7s, duration: 1s }`);
    const v2 = "this host uses cgroup v2 (unified hierarchy): resource faults write cgroup v1 files";
    expect(messages(() => parse(resources, { capabilities: host({ "cgroup-v1": v2 }) }))).toEqual([
      "inline.yaml: this machine cannot inject 5 fault(s):",
      ...[8, 9, 10, 11, 12].map((line, i) => `  inline.yaml:${line}:13: faults[${i}].kind: ${v2}: install it`),
    ]);
    expect(messages(() => parse(resources, { capabilities: host({ root: "running as uid 1000", "cgroup-v1": v2 }) }))).toEqual([
      "inline.yaml: this machine cannot inject 7 fault(s):",
      ...[8, 9, 10, 11, 12].map((line, i) => `  inline.yaml:${line}:13: faults[${i}].kind: running as uid 1000; ${v2}: install it`),
      "  inline.yaml:13:13: faults[5].kind: running as uid 1000: use kind restart or stop (Docker)",
      "  inline.yaml:14:13: faults[6].kind: running as uid 1000: use kind restart or stop (Docker)",
    ]);
  });

  it("an invalid scenario is reported as invalid first (exit 2)", () => {
    expect(() => parse(kernel.replace("ratio: 30%", "ratio: lots"), { capabilities: host({ nsenter: "nsenter is not installed" }) })).toThrow(ScenarioError);
  });
});
