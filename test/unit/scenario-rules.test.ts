// The exact wording of validation rules that have no scenario file of their own: what a user sees for
// each, located at the field to change.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../harness/contracts/errors.ts";
import { loadScenario, parseScenario } from "../../harness/scenario/parse.ts";
import { inline, repoRoot } from "./scenario-messages.ts";

const root = repoRoot;
const valid = (yaml: string) => parseScenario(yaml, join(root, "scenarios", "inline.yaml"), "inline.yaml");

const BASE = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080 }
load: { target: api, duration: 10s }
`;

describe("recovery must be judgeable before the load ends", () => {
  it("refuses a fault that ends (or fires) later than stableFor before the end, with the latest at and the other ways out", () => {
    expect(
      inline(
        BASE +
          "faults:\n" +
          "  - { kind: pause, target: api, at: 7s, duration: 2s }\n" +
          "  - { kind: crash, target: api, at: 8500ms }\n" +
          "  - { kind: pause, target: api, at: 9s, duration: 1s }\n" +
          "  - { kind: crash, target: api, at: 1s, repeat: { every: 4s, times: 3 } }\n",
      ),
    ).toEqual([
      "inline.yaml:7:37: faults[0].at: the fault ends at 9s, leaving 1s of the load (10s) to see steadyState.stableFor (2s) of steady state: it could never be judged recovered; give at: 6s at the latest, or a load of 11s at least, or steadyState.stableFor: 1s at most",
      "inline.yaml:8:37: faults[1].at: the fault fires at 8.5s, leaving 1.5s of the load (10s) to see steadyState.stableFor (2s) of steady state: it could never be judged recovered; give at: 8s at the latest, or a load of 10.5s at least, or steadyState.stableFor: 1.5s at most",
      // Less than a window left: stableFor cannot be made that short (it is at least one window).
      "inline.yaml:9:37: faults[2].at: the fault ends at 10s, leaving 0s of the load (10s) to see steadyState.stableFor (2s) of steady state: it could never be judged recovered; give at: 7s at the latest, or a load of 12s at least",
      "inline.yaml:10:37: faults[3].at: occurrence 3 fires at 9s, leaving 1s of the load (10s) to see steadyState.stableFor (2s) of steady state: it could never be judged recovered; give at: 0s at the latest, or a load of 11s at least, or steadyState.stableFor: 1s at most",
    ]);
  });

  it("offers no earlier at when even at: 0 is too late, and follows the written stableFor and window", () => {
    expect(inline(BASE + "steadyState: { window: 500ms, stableFor: 9s }\nfaults:\n  - { kind: pause, target: api, at: 500ms, duration: 1500ms }\n")).toEqual([
      "inline.yaml:8:37: faults[0].at: the fault ends at 2s, leaving 8s of the load (10s) to see steadyState.stableFor (9s) of steady state: it could never be judged recovered; give a load of 11s at least, or steadyState.stableFor: 8s at most",
    ]);
  });

  it("accepts a fault that leaves exactly stableFor, and a repeat whose last occurrence does", () => {
    const s = valid(BASE + "faults:\n  - { kind: pause, target: api, at: 6s, duration: 2s }\n  - { kind: crash, target: api, at: 0s, repeat: { every: 4s, times: 3 } }\n");
    expect(s.faults.map((f) => f.atMs)).toEqual([6_000, 0]);
  });
});

describe("stop and restart faults", () => {
  it("refuse a grace that is not whole seconds (Docker's stop timeout counts seconds) rather than round it", () => {
    expect(inline(BASE + "faults:\n  - { kind: stop, target: api, at: 1s, duration: 1s, grace: 1500ms }\n  - { kind: restart, target: api, at: 3s, grace: 0.5s }\n")).toEqual([
      "inline.yaml:7:61: faults[0].grace: must be whole seconds, such as 0s or 2s: Docker's stop timeout counts seconds",
      "inline.yaml:8:50: faults[1].grace: must be whole seconds, such as 0s or 2s: Docker's stop timeout counts seconds",
    ]);
    expect(valid(BASE + "faults:\n  - { kind: restart, target: api, at: 3s, grace: 0s }\n").faults[0]).toMatchObject({ kind: "restart", graceMs: 0 });
  });
});

describe("probes and the hypothesis window", () => {
  it("refuses a probe sparser than the window (its empty windows would never hold), naming both fixes", () => {
    expect(
      inline(
        BASE +
          "probes:\n  - { name: ok, target: api, every: 1s }\n  - { name: sparse, target: api, every: 1050ms }\n" +
          "  - { name: default, target: api }\nsteadyState: { window: 1s, stableFor: 3s }\n",
      ),
    ).toEqual([
      "inline.yaml:8:41: probes[1].every: 1050ms is longer than steadyState.window (1s): windows without a probe outcome break the hypothesis, so nothing would ever recover; lower every to 1s or raise steadyState.window to 1.1s",
    ]);
  });

  it("judges the default every (250ms) against a shorter window, located at the probe", () => {
    expect(inline(BASE + "probes:\n  - { name: p, target: api }\nsteadyState: { window: 200ms, stableFor: 1s }\n")).toEqual([
      "inline.yaml:7:5: probes[0].every: 250ms is longer than steadyState.window (200ms): windows without a probe outcome break the hypothesis, so nothing would ever recover; lower every to 200ms or raise steadyState.window to 300ms",
    ]);
  });
});

describe("messages of the document's shape", () => {
  it("a document that is not a mapping", () => {
    expect(inline("- just a list\n")).toEqual(["inline.yaml:1:1: a scenario is a YAML mapping with version, name, targets, load, …"]);
  });

  it("no targets; a target name that is not lowercase; a target with no source", () => {
    expect(inline("version: 1\nname: t\ntargets: {}\nload: { duration: 10s }\n")).toEqual([
      "inline.yaml:3:10: targets: declare at least one target",
      "inline.yaml:4:7: load.target: is required (or requests: a weighted list of { target, path, … })",
    ]);
    expect(inline(BASE.replace("  api:", "  API_1:").replace("target: api", "target: API_1"))).toEqual([
      "inline.yaml:4:3: targets.API_1: target name must be lowercase letters, digits and dashes, starting with a letter (≤ 31 chars)",
    ]);
    expect(inline(BASE.replace("build: ../fixtures/api, ", ""))).toEqual([
      "inline.yaml:4:3: targets.api: give build (a folder with a Dockerfile), image (a local image), container (a running container's name) or url",
    ]);
  });

  it("zero durations and a load without a length", () => {
    expect(inline(BASE.replace("duration: 10s }", "duration: 0s, timeout: 0ms }"))).toEqual([
      "inline.yaml:5:32: load.duration: must be longer than 0",
      "inline.yaml:5:45: load.timeout: must be longer than 0",
    ]);
    expect(inline(BASE.replace(", duration: 10s", ""))).toEqual(["inline.yaml:5:7: load.duration: is required (or stages: [{ duration, rate }, …])"]);
  });

  it("a repeated fault whose last occurrence would start after the load", () => {
    expect(inline(BASE + "faults:\n  - { kind: crash, target: api, at: 2s, repeat: { every: 3s, times: 4 } }\n")).toEqual([
      "inline.yaml:7:69: faults[0].repeat.times: occurrence 4 would start at 11s, not before the end of the load (10s)",
    ]);
  });

  it("a file that cannot be read is a usage error naming it and the reason", () => {
    let error: unknown;
    try {
      loadScenario("/nonexistent.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe("cannot read scenario /nonexistent.yaml: ENOENT");
  });
});
