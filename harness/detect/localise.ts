// Rule-based localisation: for each fault, which target and which signal became anomalous first after the
// injection, to compare with the target that was hit. Candidates, each tied to a target:
//   - what users saw: the first failed request of the load (signal `errors`, the load's target) and the
//     first failed sample of each probe (`probe:NAME`, the probe's target), at 100 ms resolution; and the
//     first of three buckets in a row whose median or 99th percentile latency (`p50`, `p99`; a probe's
//     `probe:NAME p50`) lies beyond max(3σ, 100 % of the mean, 20 ms) above the 10 s before: a slow
//     dependency shows as latency without a single error;
//   - containers, from their ~1 s resource samples: `down` (a sample of a stopped container), `restarts`
//     (the count rose), `cpu` and `memory` (beyond max(3σ, 50 % / 20 % of the mean, 2 points / 8 MiB) of the
//     10 s before).
// The earliest candidate wins, except that a container candidate no later than one sampling period after
// it wins instead: container samples lag by up to that period, and a container is nearer to the cause than
// the users who see its effect (a crashed database shows first as errors on the api in front of it).
import { mean, standardDeviation } from "simple-statistics";
import type { ContainerResources, FaultRecord, Localisation, TimelineRow } from "../contracts/journal.ts";

export interface LocaliseInput {
  timeline: readonly TimelineRow[];
  resources: Readonly<Record<string, ContainerResources>>;
  /** Timeline source ("load", "probe:NAME") → the target it measures. */
  sourceTargets: Readonly<Record<string, string>>;
  /** How long after the injection to look (the fault's recovery, or the end). */
  until: number;
}

interface Candidate {
  target: string;
  signal: string;
  at: number;
  container: boolean;
}

const SAMPLE_MS = 1_000;
const BASELINE_MS = 10_000;
const BUCKET_MS = 100;
// Latency per 100 ms bucket is noisy (a GC pause, a handful of requests): the rise must last three
// buckets, and the baseline needs enough buckets to have a mean and a spread.
const LATENCY_RUN = 3;
const LATENCY_MIN_BASELINE = 10;
const LATENCY_FLOOR_MS = 20;
const LATENCY_KEYS = ["p50", "p99"] as const;

export function localise(fault: FaultRecord, input: LocaliseInput): Localisation | null {
  if (fault.injectedAt === null) return null;
  const from = fault.injectedAt;
  const candidates = [...userCandidates(from, input), ...latencyCandidates(from, input), ...containerCandidates(from, input)].sort((a, b) => a.at - b.at);
  const first = candidates[0];
  if (!first) return null;
  const nearer = candidates.find((c) => c.container && c.at <= first.at + SAMPLE_MS);
  const winner = nearer ?? first;
  return { target: winner.target, signal: winner.signal, at: winner.at, matchesInjected: winner.target === fault.target };
}

function userCandidates(from: number, input: LocaliseInput): Candidate[] {
  const out: Candidate[] = [];
  for (const [source, target] of Object.entries(input.sourceTargets)) {
    const row = input.timeline.find((r) => r.at + BUCKET_MS > from && r.at < input.until && (r.series[source]?.failed ?? 0) > 0);
    if (row) out.push({ target, signal: source === "load" ? "errors" : source, at: Math.max(row.at, from), container: false });
  }
  return out;
}

function latencyCandidates(from: number, input: LocaliseInput): Candidate[] {
  const out: Candidate[] = [];
  for (const [source, target] of Object.entries(input.sourceTargets)) {
    for (const key of LATENCY_KEYS) {
      const valueAt = (r: TimelineRow) => r.series[source]?.[key];
      const before = input.timeline.filter((r) => r.at < from && r.at >= from - BASELINE_MS).flatMap((r) => valueAt(r) ?? []);
      if (before.length < LATENCY_MIN_BASELINE) continue;
      // Buckets without outcomes of the source neither break nor extend a run.
      const after = input.timeline.filter((r) => r.at + BUCKET_MS > from && r.at < input.until && valueAt(r) !== undefined);
      const b = band(before, 1, LATENCY_FLOOR_MS);
      let run = 0;
      for (let i = 0; i < after.length && run < LATENCY_RUN; i++) {
        run = valueAt(after[i]!)! - b.mean > b.limit ? run + 1 : 0;
        if (run === LATENCY_RUN) {
          const first = after[i - LATENCY_RUN + 1]!;
          out.push({ target, signal: source === "load" ? key : `${source} ${key}`, at: Math.max(first.at, from), container: false });
        }
      }
    }
  }
  return out;
}

function containerCandidates(from: number, input: LocaliseInput): Candidate[] {
  const out: Candidate[] = [];
  for (const series of Object.values(input.resources)) {
    const before = series.samples.filter((s) => s.at < from && s.at >= from - BASELINE_MS);
    const after = series.samples.filter((s) => s.at >= from && s.at < input.until);
    const push = (signal: string, at: number | undefined) => at !== undefined && out.push({ target: series.target, signal, at, container: true });
    const last = before.at(-1);
    push("down", after.find((s) => s.memoryBytes === 0 && (!last || last.memoryBytes > 0))?.at);
    if (last) push("restarts", after.find((s) => s.restarts > last.restarts)?.at);
    if (before.length >= 3) {
      push("cpu", after.find((s) => s.memoryBytes > 0 && beyond(s.cpuPercent, before.map((b) => b.cpuPercent), 0.5, 2))?.at);
      push("memory", after.find((s) => s.memoryBytes > 0 && beyond(s.memoryBytes, before.map((b) => b.memoryBytes), 0.2, 8 * 1024 ** 2))?.at);
    }
  }
  return out;
}

/** The baseline's mean, and how far from it is anomalous: max(3σ, share × mean, floor). */
function band(baseline: number[], share: number, floor: number): { mean: number; limit: number } {
  const m = mean(baseline);
  return { mean: m, limit: Math.max(3 * standardDeviation(baseline), share * Math.abs(m), floor) };
}

function beyond(x: number, baseline: number[], share: number, floor: number): boolean {
  const b = band(baseline, share, floor);
  return Math.abs(x - b.mean) > b.limit;
}
