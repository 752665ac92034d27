// The one shape of a load engine: drive traffic at the targets and report every request's outcome.
// Engines declare what they can do (models, refused keys, whether they can run on this machine) so that
// a scenario asking for something an engine cannot honour fails validation instead of being ignored.
import type { ArrivalStats } from "../contracts/journal.ts";
import type { LoadInput } from "../scenario/schema.ts";
import type { LoadModel, LoadSpec } from "./spec.ts";

export interface LoadContext {
  /** Loopback URLs of every target's replicas (http://127.0.0.1:PORT), by target name. */
  urls: Readonly<Record<string, readonly string[]>>;
  spec: LoadSpec;
  /** Called once per finished request; `reason` says why it failed ("http 503", "timeout", "ECONNREFUSED"). */
  record(at: number, ok: boolean, latencyMs: number | undefined, reason?: string): void;
  signal: AbortSignal;
  /** Run folder, for engines that write files (k6's JSON output). */
  runDir: string;
}

/** What an engine reports at its end, beyond the outcomes it recorded. */
export interface LoadReport {
  arrivals?: ArrivalStats;
}

export interface LoadEngine {
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
  run(ctx: LoadContext): Promise<LoadReport | void>;
}

/** ok = 2xx/3xx; the reason of a failure is what the user saw. */
export function classifyStatus(status: number): { ok: boolean; reason?: string } {
  return status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `http ${status}` };
}
