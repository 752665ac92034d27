// Probes sample a target on their own fixed-rate clock, independent of the load, and record each outcome.
// The HTTP probe is the only kind so far; new kinds (tcp, journeys) add a `sample` and a registry line.
import type { ProbeSpec } from "../scenario/schema.ts";
import { sleep } from "../contracts/time.ts";
import { httpGet, type HttpOutcome } from "./http.ts";

export interface ProbeKind {
  kind: string;
  sample(url: string, spec: ProbeSpec): Promise<HttpOutcome>;
}

export const probeKinds = {
  http: { kind: "http", sample: (url, spec) => httpGet(url + spec.path, spec.timeoutMs) },
} as const satisfies Record<string, ProbeKind>;

export type RecordOutcome = (at: number, o: HttpOutcome) => void;

/**
 * Samples every `everyMs` until the signal aborts. Ticks keep their rate even when a sample is slow, with
 * at most ceil(timeout / every) + 1 samples in flight, so the loop is bounded in count and time.
 */
export async function runProbe(spec: ProbeSpec, urls: readonly string[], record: RecordOutcome, signal: AbortSignal): Promise<void> {
  const maxInFlight = Math.ceil(spec.timeoutMs / spec.everyMs) + 1;
  const inFlight = new Set<Promise<void>>();
  let tick = 0;
  const started = performance.now();
  while (!signal.aborted) {
    if (inFlight.size < maxInFlight) {
      const url = urls[tick % urls.length]!;
      const p = probeKinds.http.sample(url, spec).then((o) => {
        if (!signal.aborted) record(Date.now(), o);
      });
      const tracked = p.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    tick++;
    const wait = started + tick * spec.everyMs - performance.now();
    await sleep(Math.max(0, wait), signal);
  }
  await Promise.allSettled(inFlight);
}
