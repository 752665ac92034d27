// What a scenario's validation says, line by line, for tests that assert the exact wording.
import { CapabilityError, ScenarioError } from "../../harness/scenario/errors.ts";

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
