import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderDryRun } from "../../harness/cli/dry-run.ts";
import { KILL_SIGNALS } from "../../harness/specs/faults/kill-process.ts";
import { planFaults } from "../../harness/run/schedule.ts";
import { ScenarioError } from "../../harness/contracts/errors.ts";
import { loadScenario, parseScenario } from "../../harness/scenario/parse.ts";

const root = join(import.meta.dirname, "..", "..");
const inline = (yaml: string): string[] => {
  try {
    parseScenario(yaml, join(root, "scenarios", "inline.yaml"), "inline.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split("\n");
    throw e;
  }
  return [];
};
const BASE = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080, replicas: 2 }
load: { target: api, duration: 20s }
`;

describe("resource faults, external targets, repeat and abortWhen in a scenario", () => {
  it("reads the resource-faults example into typed parameters", () => {
    const s = loadScenario(join(root, "scenarios", "resource-faults.yaml"));
    expect(s.targets.api!.tmpfs).toEqual({ "/data": 32 * 2 ** 20 });
    expect(s.faults.map(({ kind, index, target, atMs, durationMs, select, ...params }) => params)).toEqual([
      { cpus: 0.2 },
      { cpus: 1 },
      { limit: 96 * 2 ** 20, oom: true },
      { path: "/data", size: { percent: 1 }, allowHostDisk: false },
      { size: 64 * 2 ** 20 },
      { signal: "SIGKILL", repeat: { everyMs: 4_000, times: 2 } },
    ]);
    expect(s.abortWhen).toEqual([{ text: "error_rate > 50% for 5s", metric: "error_rate", op: ">", value: 0.5, unit: "ratio", forMs: 5_000 }]);
  });

  it("expands repeats into occurrences, each drawing its victims again from seed + occurrence", () => {
    const plan = planFaults(loadScenario(join(root, "scenarios", "resource-faults.yaml"))).filter((p) => p.spec.kind === "kill-process");
    expect(plan.map((p) => [p.id, p.atMs, p.seed, p.victims, p.description])).toEqual([
      ["faults[5]#1", 30_000, 3, [0], "send SIGKILL to api's main process (1/2)"],
      ["faults[5]#2", 34_000, 4, [1], "send SIGKILL to api's main process (2/2)"],
    ]);
  });

  it("prints the dry run: times, victims, what and undo, touching nothing", () => {
    const text = renderDryRun(loadScenario(join(root, "scenarios", "resource-faults.yaml")));
    expect(text.split("\n").slice(0, 6)).toEqual([
      "resource-faults: dry run (nothing started, nothing touched)",
      "",
      "targets:",
      "  api: build ../fixtures/api, 2 replica(s), restart on-failure, port 8080",
      "load: 40s; autocannon, closed model; 8 connection(s); 200 req/s; GET /work on api",
      "abortWhen: error_rate > 50% for 5s",
    ]);
    expect(text).toMatch(/^\+3s +\+7s +faults\[0\] +api-0 +throttle api to 0\.2 CPU for 4000ms +write back the prior CPU quota \(cpu\.cfs_quota_us\)$/m);
    expect(text).toMatch(/^\+34s +\(instant\) +faults\[5\]#2 +api-1 +send SIGKILL to api's main process \(2\/2\) +none: /m);
  });

  it("accepts a running container and a loopback url as targets, and names a container target in the dry run", () => {
    const yaml = `version: 1
name: t
targets:
  ext: { container: my-service, port: 8080, health: { path: /healthz } }
  web: { url: "http://127.0.0.1:9000" }
load: { target: web, duration: 10s }
faults:
  - { kind: pause, target: ext, at: 1s, duration: 2s }
`;
    const s = parseScenario(yaml, join(root, "scenarios", "inline.yaml"));
    expect(s.targets.web).toMatchObject({ url: "http://127.0.0.1:9000", port: 9000, allowRemote: false });
    expect(renderDryRun(s)).toContain("  ext: container my-service (not owned by the run: left as found)\n  web: url http://127.0.0.1:9000 (load and probes only)\n");
    expect(renderDryRun(s)).toMatch(/faults\[0\] +my-service +pause ext for 2000ms +unpause if still paused/);
  });

  it("reports misplaced target keys, remote urls, faults on url targets, and a missing port", () => {
    expect(
      inline(`version: 1
name: t
targets:
  ext: { container: my-service, port: 8080, replicas: 2, env: { A: b } }
  web: { url: "http://10.1.2.3:80", port: 80 }
  far: { url: "http://example.com:8080", allowRemote: true }
  two: { image: x:y, url: "http://127.0.0.1:1" }
  nop: { image: x:y }
load: { target: web, duration: 10s }
faults:
  - { kind: crash, target: far, at: 1s }
`),
    ).toEqual([
      "inline.yaml:4:45: targets.ext.replicas: does not apply to a container target: the run does not own it",
      "inline.yaml:4:58: targets.ext.env: does not apply to a container target: the run does not own it",
      "inline.yaml:5:37: targets.web.port: does not apply to a url target: the port is the URL's",
      "inline.yaml:5:15: targets.web.url: 10.1.2.3 is not this machine: load and probes go only to loopback (127.0.0.0/8, localhost, [::1]) unless the target sets allowRemote: true",
      "inline.yaml:7:22: targets.two.url: give only one of build, image, container, url",
      "inline.yaml:8:8: targets.nop.port: is required",
      "inline.yaml:11:28: faults[0].target: far is a url target (load and probes only): faults need a container (build, image or container)",
    ].sort(byLine));
  });

  it("checks repeats, overlapping faults on one setting, and stop conditions", () => {
    expect(
      inline(
        BASE +
          `faults:
  - { kind: cpu-throttle, target: api, at: 1s, duration: 5s, cpus: 0.5, repeat: { every: 4s, times: 2 } }
  - { kind: memory-limit, target: api, at: 1s, duration: 2s, limit: 1m }
  - { kind: memory-hog, target: api, at: 15s, duration: 2s, size: lots, repeat: { every: 3s, times: 2 } }
  - { kind: cpu-throttle, target: api, at: 8s, duration: 1s, cpus: 1 }
  - { kind: kill-process, target: api, at: 2s, signal: SIGSTOP }
  - { kind: disk-fill, target: api, at: 2s, duration: 1s, size: 101% }
abortWhen:
  - error_rate > 50%
  - errors > 5% for 10s
  - p99 > 2s for soon
`,
      ),
    ).toEqual([
      "inline.yaml:7:90: faults[0].repeat.every: 4s is shorter than duration (5s): an occurrence would start before the previous one is undone",
      'inline.yaml:8:69: faults[1].limit: must be at least 6MiB',
      'inline.yaml:9:67: faults[2].size: "lots" is not a size like 512B, 64KB, 1.5MB (decimal), 64MiB or 64m (binary), or a whole number of bytes',
      "inline.yaml:10:44: faults[3].at: overlaps faults[0] on api (both change its CPU quota, from 5s to 10s): schedule them apart",
      `inline.yaml:11:56: faults[4].signal: "SIGSTOP" is not allowed (valid: ${KILL_SIGNALS.join(", ")})`,
      'inline.yaml:12:65: faults[5].size: "101%" is not a size like 512B, 64KB, 1.5MB (decimal), 64MiB or 64m (binary), or a whole number of bytes, nor a percentage of the filesystem like 95%',
      'inline.yaml:14:5: abortWhen[0]: "error_rate > 50%" needs a window: "METRIC OP VALUE for DURATION" such as "error_rate > 50% for 10s"',
      'inline.yaml:15:5: abortWhen[1]: unknown metric "errors" (valid: error_rate, availability, p50, p90, p95, p99, max, throughput)',
      'inline.yaml:16:5: abortWhen[2]: "soon" is not a duration longer than 0 (like 10s)',
    ]);
  });
});

function byLine(a: string, b: string): number {
  const pos = (s: string) => s.split(":").slice(1, 3).map(Number) as [number, number];
  const [la, ca] = pos(a);
  const [lb, cb] = pos(b);
  return la - lb || ca - cb;
}
