// What a load engine declares for validation: the models it drives, the scenario keys it cannot honour,
// the shortest timeout it can enforce and whether it can run on this machine, so that a scenario asking
// for something an engine cannot honour fails validation instead of being ignored. Its runtime
// (harness/load/) drives the traffic.
import type { LoadInput, LoadModel } from "./schema.ts";

export interface LoadEngineSpec {
  kind: string;
  /** One line for docs and "valid: …" lists. */
  summary: string;
  models: readonly LoadModel[];
  /** Scenario keys the engine cannot honour, with why: each one given is a validation error. */
  refuses: Partial<Record<keyof LoadInput, string>>;
  /** The shortest request timeout the engine can enforce (validation refuses shorter ones). */
  minTimeoutMs?: number;
  /** Why the engine cannot run on this machine (e.g. its binary is missing), checked at validation. */
  unavailable?(): string | undefined;
}
