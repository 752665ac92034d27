import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { arrivalsBy, peakRate } from "../../harness/specs/load/spec.ts";
import { weightedPicker } from "../../harness/load/mix.ts";
import { ScenarioError } from "../../harness/contracts/errors.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";

const root = join(import.meta.dirname, "..", "..");
const HEAD = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080 }
  web: { build: ../fixtures/web, port: 8080 }
`;
const parse = (load: string) => parseScenario(HEAD + load, join(root, "scenarios", "inline.yaml"), "inline.yaml");
const messages = (load: string): string[] => {
  try {
    parse(load);
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split("\n");
    throw e;
  }
  throw new Error("expected a ScenarioError");
};

afterEach(() => vi.unstubAllEnvs());

describe("load section", () => {
  it("keeps the foundation's mapping working: closed model on autocannon, one request", () => {
    expect(parse("load: { target: api, path: /work, rate: 400, duration: 30s }\n").load).toEqual({
      engine: "autocannon",
      model: "closed",
      target: "api",
      requests: [{ target: "api", path: "/work", method: "GET", headers: {}, weight: 1 }],
      connections: 10,
      rate: 400,
      stages: [],
      durationMs: 30_000,
      warmupMs: 0,
      timeoutMs: 2_000,
    });
  });

  it("refuses a timeout autocannon cannot enforce, and names the engine that can", () => {
    expect(messages("load: { target: api, duration: 5s, timeout: 500ms }\n")).toEqual([
      "inline.yaml:6:45: load.timeout: engine autocannon cannot time requests out before 1s; give at least that, or use model: open (engine undici)",
    ]);
    expect(parse("load: { target: api, model: open, rate: 10, duration: 5s, timeout: 500ms }\n").load.timeoutMs).toBe(500);
  });

  it("reads an open model with stages, a weighted mix, bodies, headers and a warm-up", () => {
    vi.stubEnv("API_TOKEN", "s3cret");
    const s = parse(`load:
  model: open
  rate: 50
  stages: [{ duration: 10s, rate: 100 }, { duration: 20s, rate: 400 }]
  warmup: 5s
  requests:
    - { target: api, path: /work, weight: 3, headers: { authorization: "Bearer \${API_TOKEN}" } }
    - { target: web, path: /api/work, method: POST, body: { quantity: 2 } }
`);
    expect(s.load).toEqual({
      engine: "undici",
      model: "open",
      requests: [
        { target: "api", path: "/work", method: "GET", headers: { authorization: "Bearer ${API_TOKEN}" }, weight: 3 },
        { target: "web", path: "/api/work", method: "POST", headers: { "content-type": "application/json" }, body: '{"quantity":2}', weight: 1 },
      ],
      rate: 50,
      stages: [
        { durationMs: 10_000, rate: 100 },
        { durationMs: 20_000, rate: 400 },
      ],
      durationMs: 30_000,
      warmupMs: 5_000,
      timeoutMs: 2_000,
    });
  });

  it("lists every key the engine cannot honour, and the shapes that do not fit together", () => {
    expect(messages("load: { target: api, stages: [{ duration: 5s, rate: 10 }], duration: 5s, script: ./x.js, model: open, engine: autocannon }\n")).toEqual([
      "inline.yaml:6:22: load.stages: engine autocannon does not take stages: autocannon keeps one rate cap for the whole run; ramps need model: open",
      "inline.yaml:6:22: load.stages: give duration or stages, not both",
      "inline.yaml:6:74: load.script: engine autocannon does not take script: scripts are for engine: k6",
      "inline.yaml:6:97: load.model: engine autocannon drives the closed model (valid: engine: undici, engine: k6)",
    ]);
  });

  it("refuses a header whose environment variable holds a line break, without printing the value", () => {
    process.env.STEADYSTATE_TEST_TOKEN = "secret-abc\r\nX-Injected: 1";
    try {
      const lines = messages('load: { target: api, headers: { authorization: "Bearer ${STEADYSTATE_TEST_TOKEN}" }, body: "${STEADYSTATE_TEST_TOKEN}", duration: 5s }\n');
      expect(lines).toEqual([
        "inline.yaml:6:48: load.headers.authorization: environment variable STEADYSTATE_TEST_TOKEN holds a line break, which a header value cannot: it would start another header",
      ]);
      expect(lines.join("\n")).not.toContain("secret-abc");
    } finally {
      delete process.env.STEADYSTATE_TEST_TOKEN;
    }
  });

  it("refuses requests mixed with the shorthand, a missing target and an unset environment variable", () => {
    expect(messages("load: { target: api, requests: [{ target: db, headers: { x-token: \"${NOPE_NOT_SET}\" } }], duration: 5s }\n")).toEqual([
      "inline.yaml:6:9: load.target: give target in each requests[] entry, or no requests list",
      'inline.yaml:6:43: load.requests[0].target: unknown target "db" (valid: api, web)',
      "inline.yaml:6:67: load.requests[0].headers.x-token: environment variable NOPE_NOT_SET is not set (referred to as ${NOPE_NOT_SET})",
    ]);
    expect(messages("load: { model: open, duration: 5s }\n")).toEqual([
      "inline.yaml:6:7: load.target: is required (or requests: a weighted list of { target, path, … })",
      "inline.yaml:6:7: load.rate: is required by the open model: arrivals per second (or stages)",
    ]);
  });

  it("points a load written as a list to requests:", () => {
    expect(messages("load:\n  - { target: api, path: /work, weight: 3 }\n")).toEqual([
      "inline.yaml:7:3: load: expected a mapping, got a list (a request mix goes under load.requests: load: { requests: [ … ], duration: … })",
    ]);
  });

  it("fails validation when k6 is not on PATH, saying how to install it or which engine to use instead", () => {
    vi.stubEnv("PATH", "/nonexistent");
    expect(messages("load: { engine: k6, script: ../test/fixtures/k6-script.js, duration: 5s, rate: 10 }\n")).toEqual([
      "inline.yaml:6:17: load.engine: k6 is not installed (no k6 on PATH): install it (https://grafana.com/docs/k6/latest/set-up/install-k6/), or use engine: autocannon (closed model) or engine: undici (open model)",
      "inline.yaml:6:74: load.rate: engine k6 does not take rate: the script's executors set the rate",
    ]);
  });
});

describe("arrival schedule", () => {
  const spec = { rate: 100, warmupMs: 2_000, stages: [{ durationMs: 10_000, rate: 300 }] };

  it("holds the start rate through the warm-up, then ramps linearly (k6's ramping-arrival-rate)", () => {
    expect(arrivalsBy(spec, 1_000)).toBe(100);
    expect(arrivalsBy(spec, 2_000)).toBe(200);
    // Halfway up the ramp the rate is 200/s: 5 s at a mean of 150/s.
    expect(arrivalsBy(spec, 7_000)).toBe(200 + 750);
    expect(arrivalsBy(spec, 12_000)).toBe(200 + 2_000);
    // After the last stage its rate holds.
    expect(arrivalsBy(spec, 13_000)).toBe(2_500);
    expect(peakRate(spec)).toBe(300);
  });

  it("is a constant rate without stages, and ramps from 0 when only stages are given", () => {
    expect(arrivalsBy({ rate: 50, warmupMs: 0, stages: [] }, 3_000)).toBe(150);
    expect(arrivalsBy({ warmupMs: 0, stages: [{ durationMs: 2_000, rate: 100 }] }, 2_000)).toBe(100);
  });

  it("warms up at the first stage's rate when no rate is given, then ramps from 0", () => {
    const staged = { warmupMs: 1_000, stages: [{ durationMs: 2_000, rate: 100 }] };
    expect(arrivalsBy(staged, 500)).toBe(50);
    expect(arrivalsBy(staged, 1_000)).toBe(100);
    // 0 → 100/s over 2 s: 100 more.
    expect(arrivalsBy(staged, 3_000)).toBe(200);
  });
});

describe("weighted request mix", () => {
  it("is exact over every cycle of sum(weights) picks, and interleaved", () => {
    const pick = weightedPicker([{ name: "a", weight: 3 }, { name: "b", weight: 1 }]);
    expect(Array.from({ length: 8 }, () => pick().name).join("")).toBe("aabaaaba");
    const three = weightedPicker([{ name: "a", weight: 1 }, { name: "b", weight: 1 }, { name: "c", weight: 2 }]);
    expect(Array.from({ length: 8 }, () => three().name).join("")).toBe("cabccabc");
  });
});
