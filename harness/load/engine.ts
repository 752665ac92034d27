// The one shape of a load engine: drive traffic at the target URLs and report every request's outcome.
import type { LoadSpec } from "../scenario/schema.ts";

export interface LoadContext {
  /** One URL per replica (http://127.0.0.1:PORT); engines spread connections over them. */
  urls: readonly string[];
  spec: LoadSpec;
  /** Called once per finished request; `reason` says why it failed ("http 503", "timeout", "ECONNREFUSED"). */
  record(at: number, ok: boolean, latencyMs: number | undefined, reason?: string): void;
  signal: AbortSignal;
}

export interface LoadEngine {
  kind: string;
  run(ctx: LoadContext): Promise<void>;
}

/** ok = 2xx/3xx; the reason of a failure is what the user saw. */
export function classifyStatus(status: number): { ok: boolean; reason?: string } {
  return status >= 200 && status < 400 ? { ok: true } : { ok: false, reason: `http ${status}` };
}
