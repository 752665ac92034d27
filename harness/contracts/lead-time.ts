// Lead time of a `predict` detector (time to breach): from its firing to the breach it foresaw. The firing
// carries the predicted time and the limit (labels `predicted_breach_at`, `limit`); the real breach is read
// from the journal's container samples: the first sample of one of the target's replicas, at or after the
// firing, whose value reached the limit, or whose restart count grew (a container OOM-killed and restarted
// never shows the crossing itself). Only container signals (memory, cpu, restarts, network) are recorded
// per sample: for user-facing signals the breach is not measurable here.
import type { AlertEvent, Journal, ResourceSample } from "./journal.ts";

export interface LeadTime {
  name: string;
  firedAt: number;
  predictedAt: number;
  /** When the breach happened, or null when it did not happen (or cannot be read) in the run. */
  breachAt: number | null;
  /** breachAt − firedAt, or null. */
  leadMs: number | null;
}

const VALUE: Record<string, ((s: ResourceSample, prev: ResourceSample | undefined) => number) | undefined> = {
  memory: (s) => s.memoryBytes,
  cpu: (s) => s.cpuPercent / 100,
  restarts: (s) => s.restarts,
  network: (s, prev) => (prev && s.at > prev.at ? ((s.rxBytes + s.txBytes - prev.rxBytes - prev.txBytes) * 1_000) / (s.at - prev.at) : 0),
};

export function leadTimes(j: Pick<Journal, "alerts" | "resources">): LeadTime[] {
  return j.alerts.filter(isPredictFiring).map((a) => {
    const predictedAt = Date.parse(a.labels.predicted_breach_at!);
    const breachAt = breach(j, a);
    return { name: a.name, firedAt: a.at, predictedAt, breachAt, leadMs: breachAt === null ? null : breachAt - a.at };
  });
}

const isPredictFiring = (a: AlertEvent) => a.state === "firing" && a.labels.detector === "predict" && a.labels.predicted_breach_at !== undefined;

function breach(j: Pick<Journal, "resources">, a: AlertEvent): number | null {
  const m = /^(\w+) of (\S+)$/.exec(a.labels.signal ?? "");
  const value = m ? VALUE[m[1]!] : undefined;
  const limit = Number(a.labels.limit);
  const down = a.labels.direction === "down";
  if (!m || !value || !Number.isFinite(limit)) return null;
  const times = Object.values(j.resources ?? {})
    .filter((r) => r.target === m[2])
    .flatMap((r) => {
      const before = r.samples.filter((s) => s.at < a.at).at(-1);
      let prev = before;
      for (const s of r.samples.filter((x) => x.at >= a.at)) {
        const v = value(s, prev);
        if ((down ? v <= limit : v >= limit) || (before !== undefined && s.restarts > before.restarts)) return [s.at];
        prev = s;
      }
      return [];
    });
  return times.length ? Math.min(...times) : null;
}
