import { describe, expect, it } from "vitest";
import { holds, parseComparison, parseObjective } from "../../harness/specs/slo/grammar.ts";
import { SLO_VALID_NAMES, sloUnits } from "../../harness/specs/slo/metrics.ts";

describe("SLO grammar", () => {
  it.each([
    ["availability >= 99.5%", { metric: "availability", op: ">=", value: 0.995, unit: "ratio" }],
    ["p99 < 300ms", { metric: "p99", op: "<", value: 300, unit: "duration" }],
    ["p99<300", { metric: "p99", op: "<", value: 300, unit: "duration" }],
    ["mttr < 6s", { metric: "mttr", op: "<", value: 6_000, unit: "duration" }],
    ["throughput >= 300/s", { metric: "throughput", op: ">=", value: 300, unit: "rate" }],
    ["throughput > 250", { metric: "throughput", op: ">", value: 250, unit: "rate" }],
    ["error_rate <= 1%", { metric: "error_rate", op: "<=", value: 0.01, unit: "ratio" }],
    ["mttr.p90 < 5s", { metric: "mttr.p90", op: "<", value: 5_000, unit: "duration" }],
    ["availability.min >= 99%", { metric: "availability.min", op: ">=", value: 0.99, unit: "ratio" }],
    ["mttd < 10s", { metric: "mttd", op: "<", value: 10_000, unit: "duration" }],
    // Latency limits keep fractions of a millisecond: 0.4ms must not become 0 (never met) or 1.52ms 2ms.
    ["p50 < 0.4ms", { metric: "p50", op: "<", value: 0.4, unit: "duration" }],
    ["p99 < 1.52ms", { metric: "p99", op: "<", value: 1.52, unit: "duration" }],
  ])("parses %j", (text, expected) => {
    const r = parseObjective(text, sloUnits);
    expect(r.ok && r.value).toMatchObject(expected);
  });

  it.each([
    ["latency < 1s", 'unknown metric "latency"'],
    ["availability >= 97", 'availability needs a percentage like 99.5%, not "97"'],
    ["p99 < fast", 'p99 needs a duration like 250ms, 5s, 2m or 1h, not "fast"'],
    ["p99 == 300ms", 'unknown operator "=="'],
    // The operator as written: `=<` was cut to `=`, with `<` taken as part of the value.
    ["p99 =< 300ms", 'unknown operator "=<"'],
    ["p99", '"p99" is not "METRIC OP VALUE" such as "p99 < 300ms"'],
  ])("rejects %j with a clear message", (text, message) => {
    const r = parseObjective(text, sloUnits);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe(message);
  });

  it("lists the valid metrics for an unknown one", () => {
    const r = parseObjective("latency < 1s", sloUnits, SLO_VALID_NAMES);
    expect(!r.ok && r.valid).toEqual(["availability", "availability_time", "error_rate", "p50", "p90", "p95", "p99", "max", "throughput", "mttr", "journey_availability", "journey_p50", "journey_p90", "journey_p95", "journey_p99", "journey_max", "mttd", "lead_time", "false_alarms", "error_budget_burn", "lost_writes", "restore_time", "restore_lost_writes", "METRIC.median|p90|min|max"]);
  });

  it("parses the hypothesis comparisons", () => {
    expect(parseComparison("< 1%", "ratio")).toEqual({ ok: true, value: { op: "<", value: 0.01 } });
    expect(parseComparison("<= 500ms", "duration")).toEqual({ ok: true, value: { op: "<=", value: 500 } });
    expect(parseComparison("1%", "ratio")).toMatchObject({ ok: false, message: 'expected "OP VALUE" such as "< 1%"' });
    expect(parseComparison("=< 1%", "ratio")).toMatchObject({ ok: false, message: 'unknown operator "=<"', given: "=<" });
  });

  it("compares", () => {
    expect(holds(0.99, { op: ">=", value: 0.99 })).toBe(true);
    expect(holds(0.99, { op: ">", value: 0.99 })).toBe(false);
    expect(holds(Infinity, { op: "<", value: 6_000 })).toBe(false);
  });
});
