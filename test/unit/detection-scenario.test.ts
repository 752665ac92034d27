import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenario, parseScenario } from "../../harness/scenario/parse.ts";
import { CRASH_BASE, inline, messages, repoRoot } from "./scenario-messages.ts";

const root = repoRoot;
const BASE = CRASH_BASE;

describe("detection and heal in the scenario", () => {
  it("reads detect-and-heal.yaml: Prometheus for the run, expectations, detectors in the signal's units, heal rules", () => {
    const s = loadScenario(join(root, "scenarios", "detect-and-heal.yaml"));
    const d = s.detection!;
    expect(d.prometheus).toEqual({ mode: "local", rules: [join(root, "fixtures", "alerts.yml")], scrapeIntervalMs: 1_000, evaluationIntervalMs: 1_000 });
    expect(d.ruleAlerts).toEqual(["ApiDown", "ApiErrors", "ApiReplicaUnreachable"]);
    expect(d.expect).toEqual([
      { index: 0, alert: "ApiDown", for: "stop", withinMs: 6_000 },
      { index: 1, alert: "memory-high", for: "memory-hog", withinMs: 5_000 },
      { index: 2, alert: "ApiDown", for: "crash", withinMs: 6_000 },
    ]);
    expect(d.quietBefore).toBe(true);
    expect(d.settleMs).toBe(10_000);
    expect(d.detectors.map((x) => [x.name, x.kind, x.signal, x.source, x.everyMs, x.params])).toEqual([
      ["errors-threshold", "threshold", "error_rate", "load", 1_000, { op: ">", value: 0.05, forMs: 0 }],
      ["errors-ksigma", "ksigma", "error_rate", "load", 1_000, { k: 3, baselineMs: 8_000, direction: "up", minSigma: 0.01, forMs: 0 }],
      ["errors-ewma", "ewma", "error_rate", "load", 1_000, { lambda: 0.3, L: 3, baselineMs: 8_000, direction: "up", minSigma: 0.01, forMs: 0 }],
      ["errors-cusum", "cusum", "error_rate", "load", 1_000, { drift: 0.5, threshold: 5, baselineMs: 8_000, direction: "up", minSigma: 0.01, forMs: 0 }],
      ["memory-high", "threshold", "memory", "load", 1_000, { op: ">", value: 96 * 1024 ** 2, forMs: 0 }],
    ]);
    expect(d.detectors[4]!.target).toBe("api");
    expect(s.heal).toEqual([
      { index: 0, on: "ApiDown", action: "restart", target: "api", limit: 3, cooldownMs: 5_000, params: { graceMs: 1_000 }, description: "heal[0]: on ApiDown (cooldown 5s), restart api (grace 1000ms)" },
      { index: 1, on: "memory-high", action: "restart", target: "api", limit: 3, cooldownMs: 0, params: { graceMs: 1_000 }, description: "heal[1]: on memory-high, restart api (grace 1000ms)" },
    ]);
    expect(s.slo.map((o) => o.metric)).toEqual(["mttd", "mttr", "false_alarms", "availability", "error_budget_burn"]);
  });

  it("reads lb-replicas.yaml: a balancer, and room for no more replicas than declared", () => {
    const s = loadScenario(join(root, "scenarios", "lb-replicas.yaml"));
    expect(s.targets.api).toMatchObject({ replicas: 3, balancer: "haproxy", metrics: "/metrics", maxReplicas: 3 });
    expect(s.detection).toBeNull();
  });

  it("gives a scaled target as many balancer slots as its scale rules allow", () => {
    const s = parseScenario(
      BASE.replace("port: 8080 }", "port: 8080, replicas: 2, balancer: haproxy }") +
        "detection:\n  detectors:\n    - { name: busy, kind: threshold, signal: cpu, target: api, op: \">\", value: 80% }\nheal:\n  - { on: busy, action: scale, target: api, by: 2 }\n",
      join(root, "scenarios", "inline.yaml"),
    );
    expect(s.targets.api!.maxReplicas).toBe(4);
    expect(s.detection!.detectors[0]!.params).toEqual({ op: ">", value: 0.8, forMs: 0 });
  });

  it("reports every mistake at once, located, with the valid choices", () => {
    expect(messages(() => loadScenario(join(root, "test", "invalid", "detection-mistakes.yaml")))).toEqual([
      'test/invalid/detection-mistakes.yaml:5:59: targets.api.balancer: "nginx" is not allowed (valid: haproxy)',
      'test/invalid/detection-mistakes.yaml:5:75: targets.api.metrics: must be a path like /metrics, or "none"',
      'test/invalid/detection-mistakes.yaml:13:16: detection.expect[0].alert: no alert or detector is named "ApiDwn", did you mean `ApiDown`? (valid: ApiDown, ApiErrors, ApiReplicaUnreachable, e2)',
      "test/invalid/detection-mistakes.yaml:13:44: detection.expect[0].within: 10s after faults[0] (at 15s) ends after the load (20s)",
      'test/invalid/detection-mistakes.yaml:14:30: detection.expect[1].for: no fault of kind latency is scheduled in faults',
      'test/invalid/detection-mistakes.yaml:15:16: detection.quietBefore: expected true or false, got "yes"',
      'test/invalid/detection-mistakes.yaml:17:25: detection.detectors[0].kind: unknown detector kind "thresold", did you mean `threshold`? (valid: threshold, ksigma, ewma, cusum, forecast, predict, isolation-forest)',
      "test/invalid/detection-mistakes.yaml:18:7: detection.detectors[1].target: is required for cpu (valid: api, db)",
      'test/invalid/detection-mistakes.yaml:19:39: detection.detectors[2].signal: unknown signal "errors" (valid: error_rate, requests, p50, p90, p95, p99, max, cpu, memory, restarts, network)',
      'test/invalid/detection-mistakes.yaml:20:55: detection.detectors[3].minSigma: "5%" is not a duration like 250ms, 5s, 2m or 1h',
      "test/invalid/detection-mistakes.yaml:20:66: detection.detectors[3].every: must be a multiple of 100ms for p99",
      "test/invalid/detection-mistakes.yaml:21:15: detection.detectors[4].name: must be lowercase letters, digits and dashes, starting with a letter (≤ 31 chars)",
      'test/invalid/detection-mistakes.yaml:23:28: heal[0].action: unknown action "reboot" (valid: restart, replace, scale, resources)',
      "test/invalid/detection-mistakes.yaml:24:23: heal[1].action: scale needs a balancer in front of db (targets.db.balancer: haproxy): without one, new replicas get no traffic",
      "test/invalid/detection-mistakes.yaml:25:5: heal[2]: give memory (e.g. 512MiB) and/or cpus (e.g. 1.5)",
      "test/invalid/detection-mistakes.yaml:27:5: slo[0]: error_budget_burn is measured against the availability objective: add one (e.g. availability >= 99.5%)",
    ]);
  });

  it("reads your own Prometheus and Alertmanager only on this machine, unless allowRemote: true", () => {
    const own = (prometheus: string) => inline(BASE + `detection:\n  prometheus: ${prometheus}\n`);
    expect(own("{ url: http://prometheus.example:9090, alertmanagerUrl: 'http://10.0.0.7:9093' }")).toEqual([
      "inline.yaml:9:22: detection.prometheus.url: prometheus.example:9090 is not this machine: alerts and queries are read only from loopback (127.0.0.0/8, localhost, [::1]) unless detection.prometheus sets allowRemote: true",
      "inline.yaml:9:71: detection.prometheus.alertmanagerUrl: 10.0.0.7:9093 is not this machine: alerts and queries are read only from loopback (127.0.0.0/8, localhost, [::1]) unless detection.prometheus sets allowRemote: true",
    ]);
    const accepted = (prometheus: string) => parseScenario(BASE + `detection:\n  prometheus: ${prometheus}\n`, join(root, "scenarios", "inline.yaml")).detection!.prometheus;
    expect(accepted("{ url: 'http://localhost:9090', alertmanagerUrl: 'http://[::1]:9093' }")).toMatchObject({ url: "http://localhost:9090", alertmanagerUrl: "http://[::1]:9093" });
    expect(accepted("{ url: 'http://127.0.0.2:9090' }")).toMatchObject({ url: "http://127.0.0.2:9090" });
    expect(accepted("{ url: http://prometheus.example:9090, allowRemote: true }")).toEqual({ mode: "external", url: "http://prometheus.example:9090", alertmanagerUrl: null, pollIntervalMs: 1_000 });
    expect(own("{ rules: ../fixtures/alerts.yml, allowRemote: true }")).toEqual([
      "inline.yaml:9:48: detection.prometheus.allowRemote: applies only to your own instances (url, alertmanagerUrl)",
    ]);
    expect(own("{ url: 'http://[bad:9090' }")).toEqual(["inline.yaml:9:22: detection.prometheus.url: must be an http:// or https:// URL"]);
  });

  it("keeps a latency detector's sub-millisecond limit", () => {
    const s = parseScenario(BASE + "detection:\n  detectors:\n    - { name: slow, kind: threshold, signal: p50, op: '>', value: 0.8ms }\n", join(root, "scenarios", "inline.yaml"));
    expect(s.detection!.detectors[0]!.params).toMatchObject({ op: ">", value: 0.8 });
  });

  it("refuses a restart grace that is not whole seconds, and reads a rule's cooldown", () => {
    const detector = "detection:\n  detectors:\n    - { name: d, kind: threshold, signal: error_rate, op: '>', value: 0.1 }\n";
    expect(inline(BASE + detector + "heal:\n  - { on: d, action: restart, target: api, grace: 1500ms }\n")).toEqual([
      "inline.yaml:12:51: heal[0].grace: must be whole seconds, such as 0s or 2s: Docker's stop timeout counts seconds",
    ]);
    const s = parseScenario(BASE + detector + "heal:\n  - { on: d, action: restart, target: api, grace: 0s, cooldown: 2.5s }\n", join(root, "scenarios", "inline.yaml"));
    expect(s.heal[0]).toMatchObject({ params: { graceMs: 0 }, cooldownMs: 2_500, description: "heal[0]: on d (cooldown 2.5s), restart api (grace 0ms)" });
    expect(inline(BASE + detector + "heal:\n  - { on: d, action: restart, target: api, cooldown: soon }\n")).toEqual([
      'inline.yaml:12:54: heal[0].cooldown: "soon" is not a duration like 250ms, 5s, 2m or 1h',
    ]);
  });

  it("checks the user's own Prometheus form, queries and heal triggers", () => {
    expect(
      inline(
        BASE +
          "detection:\n  prometheus: { url: http://127.0.0.1:9090, rules: x.yml, pollInterval: 2s }\n  detectors:\n    - { name: q, kind: ksigma, query: 'sum(up)', source: load }\nheal:\n  - { on: Anything, action: restart, target: db }\n",
      ),
    ).toEqual([
      "inline.yaml:9:45: detection.prometheus.rules: is for the Prometheus the harness starts; with url/alertmanagerUrl your own instance has its rules and intervals",
      "inline.yaml:11:50: detection.detectors[0].source: does not apply to a query",
      'inline.yaml:13:46: heal[0].target: unknown target "db" (valid: api)',
    ]);
    expect(inline(BASE + "detection:\n  detectors:\n    - { name: q, kind: threshold, query: 'sum(up)', op: '<', value: 1 }\n")).toEqual([
      "inline.yaml:10:42: detection.detectors[0].query: needs a Prometheus: give detection.prometheus (rules, or the url of yours)",
    ]);
    expect(inline(BASE + "detection:\n  detectors:\n    - { name: d, kind: threshold, signal: error_rate, op: '>', value: 0.1 }\nheal:\n  - { on: D, action: restart, target: api }\n")).toEqual([
      'inline.yaml:12:11: heal[0].on: no alert or detector is named "D", did you mean `d`? (valid: d)',
    ]);
  });
  it("forecast: order or auto, level, refit, each refused where it is written", () => {
    const det = (params: string) => BASE + `detection:\n  detectors:\n    - { name: f, kind: forecast, signal: p99, ${params} }\n`;
    const s = parseScenario(det("level: 0.999"), join(root, "scenarios", "inline.yaml"));
    expect(s.detection!.detectors[0]!.params).toEqual({ order: [1, 0, 0], level: 0.999, refit: 5, baselineMs: 30_000, direction: "up", minSigma: 1, forMs: 0 });
    expect(parseScenario(det("auto: true"), join(root, "scenarios", "inline.yaml")).detection!.detectors[0]!.params).toMatchObject({ order: null, level: 0.99 });
    const cases: [string, string[]][] = [
      ["order: [1, 0]", ["inline.yaml:10:54: detection.detectors[0].order: must be [p, d, q], three whole numbers such as [1, 0, 0]"]],
      ["order: [1.5, 0, 0]", ["inline.yaml:10:55: detection.detectors[0].order[0]: expected a whole number, got 1.5"]],
      ["order: [6, 3, 0]", ["inline.yaml:10:55: detection.detectors[0].order[0]: must be ≤ 5", "inline.yaml:10:58: detection.detectors[0].order[1]: d (differences) must be 0, 1 or 2"]],
      ["order: [1, 0, 1], auto: true", ["inline.yaml:10:54: detection.detectors[0].order: give order or auto: true, not both"]],
      ["auto: yes", ['inline.yaml:10:53: detection.detectors[0].auto: expected true or false, got "yes"']],
      ["level: 100%", ["inline.yaml:10:54: detection.detectors[0].level: must be at least 50% and below 100%"]],
      ["level: high", ['inline.yaml:10:54: detection.detectors[0].level: "high" is not a percentage like 12.5% (or a fraction 0..1)']],
      ["refit: 0", ["inline.yaml:10:54: detection.detectors[0].refit: must be ≥ 1"]],
      ["refit: 2.5", ["inline.yaml:10:54: detection.detectors[0].refit: expected a whole number, got 2.5"]],
    ];
    for (const [params, expected] of cases) expect(inline(det(params)), params).toEqual(expected);
  });
  it("predict: a limit in the signal's unit, horizon, window, direction, each refused where it is written", () => {
    const det = (params: string) => BASE + `detection:\n  detectors:\n    - { name: m, kind: predict, signal: memory, target: api, ${params} }\n`;
    const s = parseScenario(det("limit: 256MiB, horizon: 2m"), join(root, "scenarios", "inline.yaml"));
    expect(s.detection!.detectors[0]!.params).toEqual({ limit: 256 * 1024 ** 2, horizonMs: 120_000, windowMs: 60_000, direction: "up", forMs: 0 });
    const cases: [string, string[]][] = [
      ["horizon: 1m", ["inline.yaml:10:7: detection.detectors[0].limit: is required"]],
      ["limit: 5%", ['inline.yaml:10:69: detection.detectors[0].limit: "5%" is not a size like 512B, 64KB, 1.5MB (decimal), 64MiB or 64m (binary), or a whole number of bytes']],
      ["limit: 256MiB, horizon: 0s", ["inline.yaml:10:86: detection.detectors[0].horizon: must be longer than 0"]],
      ["limit: 256MiB, window: soon", ['inline.yaml:10:85: detection.detectors[0].window: "soon" is not a duration like 250ms, 5s, 2m or 1h']],
      ["limit: 256MiB, direction: both", ['inline.yaml:10:88: detection.detectors[0].direction: "both" is not allowed (valid: up, down)']],
      ["limit: 256MiB, for: -1s", ['inline.yaml:10:82: detection.detectors[0].for: "-1s" is not a duration like 250ms, 5s, 2m or 1h']],
      ["limit: 256MiB, level: 99%", ['inline.yaml:10:77: detection.detectors[0].level: unknown key "level" (valid: name, kind, signal, signals, query, source, target, every, limit, horizon, window, direction, for)']],
    ];
    for (const [params, expected] of cases) expect(inline(det(params)), params).toEqual(expected);
  });
  it("isolation-forest: signals (user-facing from the source, container ones from the target), trained before the first fault", () => {
    const det = (params: string) => BASE + `detection:\n  detectors:\n    - { name: j, kind: isolation-forest, ${params} }\n`;
    const d = parseScenario(det("signals: [p99, cpu], target: api"), join(root, "scenarios", "inline.yaml")).detection!.detectors[0]!;
    expect(d).toMatchObject({ signal: null, signals: ["p99", "cpu"], source: "load", target: "api", description: "isolation-forest on p99 of load, cpu of api: 100 trees, contamination 1%, trained over 5000ms" });
    expect(d.params).toEqual({ trainMs: 5_000, contamination: 0.01, trees: 100, sampleSize: 256, seed: 1, forMs: 0 });
    const cases: [string, string[]][] = [
      ["signals: [p99]", ["inline.yaml:10:51: detection.detectors[0].signals: lists the two or more signals watched together (one signal: use signal)"]],
      ["signal: p99", ["inline.yaml:10:42: detection.detectors[0].signal: isolation-forest watches several signals together: give signals: [p99, error_rate, cpu, …]"]],
      ["signals: [p99, cpus], target: api", ['inline.yaml:10:57: detection.detectors[0].signals[1]: unknown signal "cpus", did you mean `cpu`? (valid: error_rate, requests, p50, p90, p95, p99, max, cpu, memory, restarts, network)']],
      ["signals: [p99, p99]", ["inline.yaml:10:57: detection.detectors[0].signals[1]: p99 is listed twice"]],
      ["signals: [p99, cpu]", ["inline.yaml:10:7: detection.detectors[0].target: is required for container signals (cpu, memory, restarts, network) (valid: api)"]],
      ["signals: [p99, error_rate], target: api", ["inline.yaml:10:70: detection.detectors[0].target: applies to container signals (cpu, memory, restarts, network): none is listed"]],
      ["signals: [p99, cpu], target: api, contamination: 0%", ["inline.yaml:10:91: detection.detectors[0].contamination: must be above 0 and at most 50%"]],
      ["signals: [p99, cpu], target: api, trees: 5", ["inline.yaml:10:83: detection.detectors[0].trees: must be ≥ 10"]],
      ["signals: [p99, cpu], target: api, sampleSize: 4", ["inline.yaml:10:88: detection.detectors[0].sampleSize: must be ≥ 8"]],
      ["signals: [p99, cpu], target: api, train: 0s", ["inline.yaml:10:83: detection.detectors[0].train: must be longer than 0"]],
      ["signals: [p99, cpu], target: api, seed: 1.5", ["inline.yaml:10:82: detection.detectors[0].seed: expected a whole number, got 1.5"]],
    ];
    for (const [params, expected] of cases) expect(inline(det(params)), params).toEqual(expected);
    expect(inline(BASE.replace(/faults:[^]*$/, "") + "detection:\n  detectors:\n    - { name: j, kind: isolation-forest, signals: [p99, requests] }\n")).toEqual([
      "inline.yaml:8:7: detection.detectors[0]: no fault is scheduled to train before: give train (how long it learns what is normal)",
    ]);
    expect(inline(BASE + "detection:\n  detectors:\n    - { name: j, kind: ksigma, signals: [p99, requests] }\n")).toEqual([
      "inline.yaml:10:7: detection.detectors[0]: give signal (what the harness measures) or query (PromQL) (valid: error_rate, requests, p50, p90, p95, p99, max, cpu, memory, restarts, network)",
      "inline.yaml:10:32: detection.detectors[0].signals: ksigma watches one signal: use signal (signals is for multivariate kinds such as isolation-forest)",
    ]);
  });
});
