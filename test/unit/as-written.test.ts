// Messages repeat a value as the user wrote it (`70s`), not as the harness would format it (`1.167m`).
import { describe, expect, it } from "vitest";
import { inline } from "./scenario-messages.ts";

const BASE = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080 }
`;

describe("values as written", () => {
  it("in fault times checked against the load", () => {
    const faults = "faults:\n  - { kind: crash, target: api, at: 70s }\n  - { kind: pause, target: api, at: 5s, duration: 90s, repeat: { times: 1, every: 1000ms } }\n";
    expect(inline(BASE + "load: { target: api, duration: 65000ms }\n" + faults)).toEqual([
      "inline.yaml:7:37: faults[0].at: 70s is not before the end of the load (65000ms)",
      "inline.yaml:8:64: faults[1].repeat: occurrence 1 ends at 1.583m, after the load ends (65000ms)",
      "inline.yaml:8:83: faults[1].repeat.every: 1000ms is shorter than duration (90s): an occurrence would start before the previous one is undone",
    ]);
  });

  it("in the hypothesis window", () => {
    expect(inline(BASE + "load: { target: api, duration: 20s }\nsteadyState: { window: 1500ms, stableFor: 1s }\n")).toEqual([
      "inline.yaml:6:43: steadyState.stableFor: must be at least window (1500ms)",
    ]);
  });

  it("in the error budget's period", () => {
    expect(inline(BASE + "load: { target: api, duration: 120s }\nslo:\n  - availability >= 99%\n  - error_budget_burn < 10%\nerrorBudget: { period: 90s }\n")).toEqual([
      "inline.yaml:9:24: errorBudget.period: 90s is shorter than the load (120s): the period is the availability objective's window, such as 30d",
    ]);
  });
});
