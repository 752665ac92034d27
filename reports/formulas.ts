// The seed formulas every report shows next to what was measured: availability A = T_up / T_total
// (time-based) and good / total (request-based); series reliability R = Π(1 − p_i) over the targets on
// the request path, each p_i observed; throughput P = 1 / T_proc next to the measured rate; MTTD and MTTR
// with count, median and p90.
import type { FaultRecord, Journal } from "../harness/contracts/journal.ts";
import { distribution, type Distribution } from "../harness/slo/distribution.ts";
import { count, detects, ms, pct } from "./format.ts";

export interface ReliabilityFactor {
  target: string;
  /** Observed failure probability of the target. */
  p: number;
  /** Where p comes from: a probe on the target, or the load itself. */
  source: string;
}

export interface SeedFormulas {
  availabilityTime: { upMs: number; totalMs: number; value: number | null };
  availabilityRequests: { good: number; total: number; value: number | null };
  reliability: { factors: ReliabilityFactor[]; value: number | null; observed: number | null };
  /** P = 1 / T_proc for one worker (connection), × connections for the closed model's ceiling. */
  throughput: { procMs: number | null; perWorker: number | null; connections: number | null; measured: number | null };
  mttd: Distribution;
  mttr: Distribution;
  /** Faults left out of MTTR and MTTD without a value: the run ended early before there was one. */
  notJudged: { mttr: number; mttd: number };
}

/**
 * The request path is the load's target and every target a probe observes; each p_i is the failure share of
 * the probes on that target (of the load, for a target no probe observes). A series path is up only when
 * every target on it is, so R predicts the request-based availability when failures are independent.
 * Over several trials the counts are pooled.
 */
export function reliabilityFactors(journals: readonly Journal[]): ReliabilityFactor[] {
  const byTarget = new Map<string, { failed: number; total: number; sources: Set<string> }>();
  const add = (target: string, failed: number, total: number, source: string) => {
    const t = byTarget.get(target) ?? { failed: 0, total: 0, sources: new Set<string>() };
    t.failed += failed;
    t.total += total;
    t.sources.add(source);
    byTarget.set(target, t);
  };
  for (const j of journals) {
    for (const [name, p] of Object.entries(j.metrics.probes)) if (p.target && p.total) add(p.target, p.failed, p.total, `probe ${name}`);
  }
  for (const j of journals) {
    const targets = new Set(j.scenario.load?.requests.map((r) => r.target));
    const target = targets.size === 1 ? [...targets][0] : undefined; // a mix over several targets has no single factor
    const probed = Object.values(j.metrics.probes).some((p) => p.target === target);
    if (target && !probed && j.metrics.requests.total) add(target, j.metrics.requests.failed, j.metrics.requests.total, "load");
  }
  return [...byTarget].map(([target, t]) => ({ target, p: t.failed / t.total, source: [...t.sources].join(", ") }));
}

/** The formulas of one run, or pooled over trials (sums of times and counts, every fault of every trial). */
export function seedFormulas(journals: readonly Journal[]): SeedFormulas {
  const sum = (f: (j: Journal) => number) => journals.reduce((s, j) => s + f(j), 0);
  const upMs = sum((j) => j.hypothesis.windows.held * j.hypothesis.windowMs);
  const totalMs = sum((j) => j.hypothesis.windows.total * j.hypothesis.windowMs);
  const good = sum((j) => j.metrics.requests.ok);
  const total = sum((j) => j.metrics.requests.total);
  const factors = reliabilityFactors(journals);
  const injected = journals.flatMap((j) => j.faults.filter((f) => f.injectedAt !== null && !f.error));
  const watched = journals.filter(detects).flatMap((j) => j.faults.filter((f) => f.injectedAt !== null && !f.error));
  const timed = journals.filter((j) => j.metrics.latencyMs.mean !== undefined && j.metrics.requests.total);
  const timedCount = timed.reduce((s, j) => s + j.metrics.requests.total, 0);
  const procMs = timedCount ? timed.reduce((s, j) => s + j.metrics.latencyMs.mean! * j.metrics.requests.total, 0) / timedCount : null;
  const rates = journals.map((j) => j.metrics.requestRate).filter((r): r is number => r !== null);
  return {
    availabilityTime: { upMs, totalMs, value: totalMs ? upMs / totalMs : null },
    availabilityRequests: { good, total, value: total ? good / total : null },
    reliability: { factors, value: factors.length ? factors.reduce((r, f) => r * (1 - f.p), 1) : null, observed: total ? good / total : null },
    throughput: {
      procMs,
      perWorker: procMs ? 1_000 / procMs : null,
      connections: journals[0]?.scenario.load?.connections ?? null,
      measured: rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null,
    },
    mttd: faultDistribution(watched, (f) => f.mttdMs),
    mttr: faultDistribution(injected, (f) => f.mttrMs),
    notJudged: { mttr: injected.filter((f) => cutShort(f, f.mttrMs)).length, mttd: watched.filter((f) => cutShort(f, f.mttdMs)).length },
  };
}

/** Without a value because the run ended early first: unknown, not never. */
const cutShort = (f: FaultRecord, value: number | null | undefined) => f.notJudged !== undefined && value === null;

/** One value per fault; null counts as never, except for the faults the run's early end cut short (left out). */
function faultDistribution(faults: readonly FaultRecord[], value: (f: FaultRecord) => number | null | undefined): Distribution {
  const judged = faults.filter((f) => !cutShort(f, value(f)));
  return distribution(
    judged.flatMap((f) => (typeof value(f) === "number" ? [value(f)!] : [])),
    judged.filter((f) => value(f) === null).length,
  );
}

/** The formulas as rows of text [quantity, formula with its numbers, value], for every report format. */
export function formulaRows(journals: readonly Journal[]): [string, string, string][] {
  const f = seedFormulas(journals);
  const p4 = (x: number) => String(Math.round(x * 10_000) / 10_000);
  const rows: [string, string, string][] = [
    ["A (time)", `T_up / T_total = ${ms(f.availabilityTime.upMs)} / ${ms(f.availabilityTime.totalMs)}`, pct(f.availabilityTime.value)],
    ["A (requests)", `good / total = ${count(f.availabilityRequests.good)} / ${count(f.availabilityRequests.total)}`, pct(f.availabilityRequests.value)],
    [
      "R (series)",
      f.reliability.factors.length
        ? `Π(1 − p_i) = ${f.reliability.factors.map((x) => `(1 − ${p4(x.p)} ${x.target} by ${x.source})`).join(" × ")}`
        : "Π(1 − p_i): no target observed",
      `${pct(f.reliability.value)} (observed A ${pct(f.reliability.observed)})`,
    ],
    [
      "P (throughput)",
      f.throughput.procMs === null
        ? "1 / T_proc: no completed request"
        : `1 / T_proc = 1 / ${ms(f.throughput.procMs)} = ${rate(f.throughput.perWorker)} per connection` +
          (f.throughput.connections ? ` × ${f.throughput.connections} = ${rate(f.throughput.perWorker! * f.throughput.connections)}` : ""),
      `measured ${rate(f.throughput.measured)}${journals.length > 1 ? " (mean of trials)" : ""}`,
    ],
    ["MTTR", `recovered − injected, per fault${leftOut(f.notJudged.mttr)}`, distributionText(f.mttr)],
  ];
  if (f.mttd.count || f.notJudged.mttd) rows.push(["MTTD", `detected − injected, per fault${leftOut(f.notJudged.mttd)}`, distributionText(f.mttd)]);
  return rows;
}

/** Says when faults the run's early end cut short are left out of a per-fault formula. */
const leftOut = (n: number) => (n ? ` (${n} not judged: the run ended early)` : "");

export function distributionText(d: Distribution): string {
  if (!d.count) return "no fault";
  const v = (x: number | null) => (x === null ? "never" : ms(x));
  return `count ${d.count}, median ${v(d.median)}, p90 ${v(d.p90)}${d.never ? `, ${d.never} never` : ""}`;
}

const rate = (x: number | null) => (x === null ? "—" : `${(Math.round(x * 10) / 10).toLocaleString("en-US")} req/s`);
