// Unknown names offer the closest valid one, wherever a message lists the valid choices.
import { describe, expect, it } from "vitest";
import { closest } from "../../harness/contracts/closest.ts";
import { inline } from "./scenario-messages.ts";

const BASE = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080 }
load: { target: api, duration: 20s }
`;

describe("did you mean", () => {
  it.each([
    ["crsh", ["crash", "pause"], "crash"],
    ["fualts", ["faults", "slo"], "faults"],
    ["=<", ["<", "<=", ">", ">="], "<="],
    ["P99", ["p50", "p99"], "p99"],
    ["bandwidth_tc", ["bandwidth", "bandwidth-tc"], "bandwidth-tc"],
    ["conections", ["connections", "rate"], "connections"],
  ])("%j → %j", (given, valid, expected) => {
    expect(closest(given, valid)).toBe(expected);
  });

  it.each([
    ["db", ["api"]],
    ["==", ["<", "<=", ">", ">="]],
    ["x", ["y"]],
    ["crash", ["crash"]],
    ["x".repeat(100_000), ["crash"]],
  ])("offers nothing for %j when no choice is a likely typo", (given, valid) => {
    expect(closest(given, valid)).toBeUndefined();
  });

  it("offers the closest choice in located messages: keys, kinds, targets, metrics and operators", () => {
    const faults = "faults:\n  - { kind: crsh, target: apii, at: 5s }\n";
    expect(inline(BASE + faults + "slo:\n  - p99 =< 800ms\n  - avaliability >= 99%\nreprot: {}\n")).toEqual([
      "inline.yaml:7:13: faults[0].kind: unknown fault kind \"crsh\", did you mean `crash`? (valid: crash, pause, restart, stop, latency, bandwidth, slow-close, timeout, reset-peer, slicer, limit-data, blackhole, http-error, http-abort, http-delay, loss, reject, partition, bandwidth-tc, cpu-throttle, memory-limit, cpu-burn, memory-hog, disk-fill, kill-process)",
      "inline.yaml:7:27: faults[0].target: unknown target \"apii\", did you mean `api`? (valid: api)",
      "inline.yaml:9:5: slo[0]: unknown operator \"=<\", did you mean `<=`? (valid: <, <=, >, >=)",
      "inline.yaml:10:5: slo[1]: unknown metric \"avaliability\", did you mean `availability`? (valid: availability, availability_time, error_rate, p50, p90, p95, p99, max, throughput, mttr, journey_availability, journey_p50, journey_p90, journey_p95, journey_p99, journey_max, mttd, lead_time, false_alarms, error_budget_burn, lost_writes, restore_time, restore_lost_writes, METRIC.median|p90|min|max)",
      "inline.yaml:11:1: reprot: unknown key \"reprot\", did you mean `report`? (valid: version, name, description, targets, load, probes, journeys, steadyState, faults, slo, errorBudget, abortWhen, report, detection, heal, checks, variants)",
    ]);
  });

  it("compares only names: a mapping where a name goes is listed, not read", () => {
    const [unknown, type] = inline(BASE + "faults:\n  - { kind: { toString: 1 }, target: api, at: 5s }\n");
    expect(type).toBe("inline.yaml:7:13: faults[0].kind: expected a string, got a mapping");
    expect(unknown).toMatch(/^inline\.yaml:7:13: faults\[0\]\.kind: unknown fault kind \{"toString":1\} \(valid: crash, /);
  });

  it("a detector kind given as a mapping is a type error, never a crash", () => {
    const errors = inline(BASE + "detection:\n  detectors:\n    - { name: d, kind: { toString: 1 }, signal: error_rate, op: \">\", value: 5% }\n");
    expect(errors).toEqual(["inline.yaml:8:24: detection.detectors[0].kind: expected a string, got a mapping"]);
  });
});
