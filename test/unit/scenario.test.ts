import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, parseScenario } from "../../harness/scenario/parse.ts";
import { inline, messages, PATH_REFUSED, repoRoot } from "./scenario-messages.ts";

const root = repoRoot;

const BASE = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080 }
load: { target: api, duration: 10s }
`;

describe("scenario parsing", () => {
  it("reads the quickstart into typed values (durations in ms, percentages as fractions)", () => {
    const s = loadScenario(join(root, "scenarios", "quickstart.yaml"));
    expect(s.name).toBe("quickstart");
    expect(s.targets.api).toMatchObject({ port: 8080, replicas: 1, restart: "on-failure", env: { WORK_MS: "2" }, buildDir: join(root, "fixtures", "api") });
    expect(s.targets.api!.health).toEqual({ path: "/healthz", timeoutMs: 30_000, intervalMs: 100, anyStatus: false });
    expect(s.load).toEqual({
      engine: "autocannon",
      model: "closed",
      target: "api",
      requests: [{ target: "api", path: "/work", method: "GET", headers: {}, weight: 1 }],
      connections: 8,
      rate: 200,
      stages: [],
      durationMs: 40_000,
      warmupMs: 0,
      timeoutMs: 2_000,
    });
    expect(s.probes).toEqual([{ name: "health", target: "api", path: "/healthz", everyMs: 250, timeoutMs: 500 }]);
    expect(s.steadyState).toEqual({ windowMs: 1_000, stableForMs: 2_000, errorRate: { op: "<", value: 0.01 }, p99: { op: "<", value: 500 } });
    expect(s.faults.map((f) => [f.kind, f.target, f.atMs, f.durationMs])).toEqual([
      ["crash", "api", 10_000, undefined],
      ["pause", "api", 25_000, 3_000],
    ]);
    expect(s.slo.map((o) => [o.metric, o.op, o.value])).toEqual([
      ["availability", ">=", 0.95],
      ["p99", "<", 800],
      ["mttr", "<", 6_000],
    ]);
  });

  it("applies defaults", () => {
    const s = parseScenario(BASE, join(root, "scenarios", "inline.yaml"));
    expect(s.targets.api).toMatchObject({ replicas: 1, restart: "no", env: {}, health: { path: "/", timeoutMs: 30_000, intervalMs: 100, anyStatus: true } });
    expect(s.load).toMatchObject({ requests: [{ path: "/", method: "GET", weight: 1 }], connections: 10, timeoutMs: 2_000, warmupMs: 0, engine: "autocannon", model: "closed" });
    expect(s.journeys).toEqual([]);
    expect(s.steadyState).toEqual({ windowMs: 1_000, stableForMs: 2_000, errorRate: { op: "<", value: 0.01 } });
    expect(s.report.formats).toEqual(["json", "markdown"]);
  });

  it("reports every mistake of a file at once, located, with the valid choices", () => {
    expect(messages(() => loadScenario(join(root, "test", "invalid", "many-mistakes.yaml")))).toEqual([
      'test/invalid/many-mistakes.yaml:8:14: targets.api.restart: "sometimes" is not allowed (valid: no, on-failure, always)',
      "test/invalid/many-mistakes.yaml:9:15: targets.api.replicas: must be ≥ 1",
      'test/invalid/many-mistakes.yaml:11:11: load.target: unknown target "apii", did you mean `api`? (valid: api)',
      "test/invalid/many-mistakes.yaml:12:13: load.duration: 30 is not a duration like 250ms, 5s, 2m or 1h",
      'test/invalid/many-mistakes.yaml:13:3: load.conections: unknown key "conections", did you mean `connections`? (valid: engine, model, target, path, method, headers, body, requests, connections, rate, stages, duration, warmup, timeout, script)',
      'test/invalid/many-mistakes.yaml:15:29: probes[0].target: unknown target "db" (valid: api)',
      'test/invalid/many-mistakes.yaml:15:39: probes[0].path: must start with "/"',
      'test/invalid/many-mistakes.yaml:17:14: steadyState.errorRate: "1" is not a percentage like 99.5%',
      'test/invalid/many-mistakes.yaml:19:13: faults[0].kind: unknown fault kind "crsh", did you mean `crash`? (valid: crash, pause, restart, stop, latency, bandwidth, slow-close, timeout, reset-peer, slicer, limit-data, blackhole, http-error, http-abort, http-delay, loss, reject, partition, bandwidth-tc, cpu-throttle, memory-limit, cpu-burn, memory-hog, disk-fill, kill-process)',
      "test/invalid/many-mistakes.yaml:21:41: faults[2].duration: crash is instantaneous: remove duration",
      "test/invalid/many-mistakes.yaml:22:5: faults[3].duration: is required: pause lasts for a duration (e.g. duration: 3s)",
      'test/invalid/many-mistakes.yaml:24:5: slo[0]: availability needs a percentage like 99.5%, not "97"',
      'test/invalid/many-mistakes.yaml:25:5: slo[1]: unknown metric "latency" (valid: availability, availability_time, error_rate, p50, p90, p95, p99, max, throughput, mttr, journey_availability, journey_p50, journey_p90, journey_p95, journey_p99, journey_max, mttd, lead_time, false_alarms, error_budget_burn, lost_writes, restore_time, restore_lost_writes, METRIC.median|p90|min|max)',
      'test/invalid/many-mistakes.yaml:27:19: report.formats[1]: unknown report format "pdf" (valid: json, markdown, html, junit, md)',
    ]);
  });

  it("reports wrong types and values", () => {
    expect(messages(() => loadScenario(join(root, "test", "invalid", "wrong-types.yaml")))).toEqual([
      "test/invalid/wrong-types.yaml:1:10: version: 2 is not allowed (valid: 1)",
      "test/invalid/wrong-types.yaml:2:7: name: must be lowercase letters, digits and dashes, starting with a letter (≤ 31 chars)",
      "test/invalid/wrong-types.yaml:5:5: targets.api.image: give either build (a folder with a Dockerfile) or image (a local image), not both",
      'test/invalid/wrong-types.yaml:7:11: targets.api.port: expected a number, got "8080"',
      "test/invalid/wrong-types.yaml:8:15: targets.api.env.A: a list is not a string, number or boolean",
      'test/invalid/wrong-types.yaml:12:21: targets.db.health.path: must start with "/"',
      'test/invalid/wrong-types.yaml:12:39: targets.db.health.timeout: "soon" is not a duration like 250ms, 5s, 2m or 1h',
      'test/invalid/wrong-types.yaml:16:11: load.method: "FETCH" is not allowed, did you mean `PATCH`? (valid: GET, POST, PUT, PATCH, DELETE, HEAD)',
      "test/invalid/wrong-types.yaml:17:9: load.rate: must be > 0",
      "test/invalid/wrong-types.yaml:19:61: faults[0].select: give count or percent, not both",
      'test/invalid/wrong-types.yaml:23:12: faults[1].grace: "forever" is not a duration like 250ms, 5s, 2m or 1h',
      "test/invalid/wrong-types.yaml:24:5: faults[2]: a fault is a mapping like { kind: crash, target: api, at: 8s }",
    ]);
  });

  it("reports YAML syntax errors with their position", () => {
    expect(messages(() => loadScenario(join(root, "test", "invalid", "yaml-syntax.yaml")))).toEqual([
      "test/invalid/yaml-syntax.yaml:4:8: `{` is never closed: add the `}` that ends it",
    ]);
  });

  it("catches a fault after the end of the load, and a window that outlasts it", () => {
    expect(inline(BASE + "faults:\n  - { kind: crash, target: api, at: 10s }\n  - { kind: pause, target: api, at: 8s, duration: 3s }\n")).toEqual([
      "inline.yaml:7:37: faults[0].at: 10s is not before the end of the load (10s)",
      "inline.yaml:8:51: faults[1].duration: the fault ends at 11s, after the load ends (10s)",
    ]);
  });

  it("names unknown top-level keys with the valid ones", () => {
    expect(inline(BASE + "fualts: []\n")).toEqual([
      'inline.yaml:6:1: fualts: unknown key "fualts", did you mean `faults`? (valid: version, name, description, targets, load, probes, journeys, steadyState, faults, slo, errorBudget, abortWhen, report, detection, heal, checks, variants)',
    ]);
  });

  it("reports missing sections and missing build folders", () => {
    expect(inline("version: 1\nname: t\ntargets:\n  api: { build: ./nowhere, port: 8080 }\n")).toEqual([
      "inline.yaml:1:1: load: is required",
      `inline.yaml:4:17: targets.api.build: folder ${join(root, "scenarios", "nowhere")} does not exist`,
    ]);
  });

  it("checks replica selection and hypothesis windows", () => {
    expect(
      inline(
        BASE.replace("port: 8080 }", "port: 8080, replicas: 2 }") +
          "steadyState: { window: 250ms, stableFor: 150ms }\nfaults:\n  - { kind: crash, target: api, at: 2s, select: { count: 3 } }\n",
      ),
    ).toEqual([
      "inline.yaml:6:24: steadyState.window: must be a multiple of 100ms",
      "inline.yaml:6:42: steadyState.stableFor: must be at least window (250ms)",
      "inline.yaml:8:58: faults[0].select.count: 3 is more than the 2 replica(s) of api",
    ]);
  });

  it("refuses YAML alias bombs and duplicate keys", () => {
    const bomb = ["version: 1", "a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(10).fill(i ? `*${"bcdefghi"[i - 1]}` : "*a").join(", ")}]`)].join("\n");
    expect(inline(bomb)).toEqual(["inline.yaml:1:1: too many YAML aliases (more than 100): refusing a possible alias bomb"]);
    expect(inline(BASE + "name: again\n")).toEqual(["inline.yaml:6:1: key `name` is given twice in the same mapping"]);
  });

  it("refuses request paths with a line break, a space, a tab or a non-ASCII character: engines write them raw", () => {
    const yaml = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080, health: { path: "/healthz\\tx" }, metrics: "/met rics" }
load: { target: api, path: "/work\\r\\nX-Injected: 1", duration: 10s }
probes:
  - { name: up, target: api, path: "/up here" }
  - { name: cafe, target: api, path: "/café" }
faults:
  - { kind: http-error, target: api, at: 1s, duration: 1s, path: "/work\\n" }
checks:
  - { kind: acked-writes, target: api, path: "/kv " }
`;
    expect(inline(yaml)).toEqual([
      `inline.yaml:4:62: targets.api.health.path: ${PATH_REFUSED}`,
      `inline.yaml:4:88: targets.api.metrics: ${PATH_REFUSED}`,
      `inline.yaml:5:28: load.path: ${PATH_REFUSED}`,
      `inline.yaml:7:36: probes[0].path: ${PATH_REFUSED}`,
      `inline.yaml:8:38: probes[1].path: ${PATH_REFUSED}`,
      `inline.yaml:10:66: faults[0].path: ${PATH_REFUSED}`,
      `inline.yaml:12:46: checks[0].path: ${PATH_REFUSED}`,
    ]);
  });

  it("takes a percent-encoded request path as written", () => {
    const s = parseScenario(BASE.replace("duration: 10s", 'path: "/caf%C3%A9/a%20b%0D%0A?q=%E2%9C%93&r=~!*", duration: 10s'), join(root, "scenarios", "inline.yaml"));
    expect(s.load.requests[0]!.path).toBe("/caf%C3%A9/a%20b%0D%0A?q=%E2%9C%93&r=~!*");
  });

  it("is not confused by shell metacharacters: they are plain data", () => {
    const s = parseScenario(BASE.replace("port: 8080 }", 'port: 8080, env: { X: "$(rm -rf /); `id`" } }'), join(root, "scenarios", "inline.yaml"));
    expect(s.targets.api!.env.X).toBe("$(rm -rf /); `id`");
    expect(readFileSync(join(root, "scenarios", "quickstart.yaml"), "utf8")).toContain("version: 1");
  });
});

describe("variants (A/B runs)", () => {
  const AB = `${BASE}variants:
  baseline: { api: { env: { LATENCY_MS: 20 } } }
  canary: { api: { env: { LATENCY_MS: "26" }, replicas: 2 } }
`;

  it("reads the overrides of each side and applies them over the targets (env merged)", async () => {
    const { applyVariant } = await import("../../harness/run/ab.ts");
    const s = parseScenario(AB.replace("port: 8080 }", "port: 8080, env: { WORK_MS: 1 } }"), join(root, "scenarios", "inline.yaml"));
    expect(s.variants).toEqual({ baseline: { api: { env: { LATENCY_MS: "20" } } }, canary: { api: { env: { LATENCY_MS: "26" }, replicas: 2 } } });
    expect(applyVariant(s, "baseline").targets.api).toMatchObject({ env: { WORK_MS: "1", LATENCY_MS: "20" }, replicas: 1, buildDir: join(root, "fixtures", "api") });
    expect(applyVariant(s, "canary").targets.api).toMatchObject({ env: { WORK_MS: "1", LATENCY_MS: "26" }, replicas: 2 });
    expect(applyVariant(s, "canary").targets.api!.image).toBeUndefined();
    const imaged = parseScenario(`${BASE}variants:\n  canary: { api: { image: "api:v2" } }\n`, join(root, "scenarios", "inline.yaml"));
    expect(applyVariant(imaged, "canary").targets.api).toMatchObject({ image: "api:v2" });
    expect(applyVariant(imaged, "canary").targets.api!.buildDir).toBeUndefined();
  });

  it("names unknown variants, unknown targets and bad overrides, located", () => {
    expect(inline(`${BASE}variants:\n  blue: {}\n  canary: { web: {}, api: { replicas: 0, port: 9 } }\n`)).toEqual([
      'inline.yaml:7:3: variants.blue: unknown variant "blue" (valid: baseline, canary)',
      'inline.yaml:8:13: variants.canary.web: unknown target "web" (valid: api)',
      "inline.yaml:8:39: variants.canary.api.replicas: must be ≥ 1",
      'inline.yaml:8:42: variants.canary.api.port: unknown key "port" (valid: build, image, env, command, replicas, restart)',
    ]);
  });
});
