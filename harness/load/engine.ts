// The one shape of a load engine's runtime: drive traffic at the targets and report every request's
// outcome. What an engine can do (models, refused keys, whether it can run here) is its spec, checked at
// validation (harness/specs/load/engine.ts).
import type { ArrivalStats } from "../contracts/journal.ts";
import type { LoadSpec } from "../specs/load/spec.ts";

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
  run(ctx: LoadContext): Promise<LoadReport | void>;
}

/** ok = 2xx/3xx; the reason of a failure is what the user saw. */
export function classifyStatus(status: number): { ok: boolean; reason?: string } {
  return status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `http ${status}` };
}
