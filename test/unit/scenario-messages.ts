// What a scenario's validation says, line by line, for tests that assert the exact wording.
import { join } from "node:path";
import { CapabilityError, ScenarioError } from "../../harness/contracts/errors.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";

/** The lines of the located error `fn` throws (invalid scenario, or a fault this machine cannot inject). */
export function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof CapabilityError) return e.message.split("\n");
    throw e;
  }
  throw new Error("expected a ScenarioError");
}

/** The refusal of a request path holding a character it must percent-encode. */
export const PATH_REFUSED = 'must be "/" followed by visible ASCII characters only: percent-encode any other (%20 for a space, %0A for a line break)';

export const repoRoot = join(import.meta.dirname, "..", "..");

/** The error lines of a scenario given as text, read as if it were scenarios/inline.yaml. */
export const inline = (yaml: string): string[] => messages(() => parseScenario(yaml, join(repoRoot, "scenarios", "inline.yaml"), "inline.yaml"));

/** The smallest scenario with a fault: 20 s of load on the api fixture, crashed at 5 s. */
export const CRASH_BASE = `version: 1
name: t
targets:
  api: { build: ../fixtures/api, port: 8080 }
load: { target: api, duration: 20s }
faults:
  - { kind: crash, target: api, at: 5s }
`;
