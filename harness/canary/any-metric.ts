// The samples of any metric besides the load's own (judge.yaml `query:`, `probe:`, `journey:`, `resource:`),
// read from each side's journals, pooled over trials, in the judge's phases: steady until the first
// injection, faults from it on.
//   query     one value per step of the Prometheus query the run evaluated (journal `queries`), times `scale`;
//             a point at t summarises the step before t, so it is steady when t ≤ the first injection
//   probe     one value per window (journal `windows[].series["probe:NAME"]`), as the load's latency
//   journey   the same for "journey:NAME"; windows without a journey outcome have none
//   resource  one value per Docker stats sample (about one a second) of each replica of the target, pooled:
//             a target of 3 replicas gives 3 values a second, each what one replica used (not their sum), so
//             a canary with more replicas, each using less, reads lower. A sample at t is steady when
//             t ≤ the first injection; samples outside the load are left out, and those of a stopped replica
//             (0 CPU, 0 memory) count as they are.
// What cannot be compared (an unknown name, a query that returned several series or failed) is a reason,
// never a crash; what is malformed in a journal (untrusted input) is a UsageError naming file and field.
import { UsageError } from "../contracts/errors.ts";
import { journeySource, probeSource, type Journal } from "../contracts/journal.ts";
import { readQuerySeries } from "../contracts/query-series.ts";
import type { MetricSource, MetricSpec, Phase } from "./config.ts";
import { phaseWindows, type Side } from "./samples.ts";

/** A side's values, or why the metric cannot be compared. */
export type Samples = { values: number[]; note?: string } | { nodata: string };

type Other = Exclude<MetricSource, { kind: "metric" }>;

const listed = (names: string[]) => (names.length ? names.join(", ") : "none");

/** Instants of the load in the phase: (loadStartedAt, first injection] is steady, the rest of the load faults. */
function inPhase(j: Journal, phase: Phase): (at: number) => boolean {
  const injected = j.faults.map((f) => f.injectedAt).filter((at): at is number => at !== null);
  const firstFault = injected.length ? Math.min(...injected) : Infinity;
  const from = j.loadStartedAt ?? Infinity;
  const to = j.loadEndedAt ?? -Infinity;
  return (at) => at > from && at <= to && (phase === "steady" ? at <= firstFault : at > firstFault);
}

/** A journal's own keys, when the field is a mapping; a UsageError otherwise (untrusted input). */
function mapping(file: string, field: string, v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new UsageError(`${file}: ${field}: expected a mapping`);
  return v as Record<string, unknown>;
}

const finite = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** One journal's values of the metric in the phase, or why there are none to compare. */
function journalValues(file: string, j: Journal, s: Other, phase: Phase): { values: number[]; nonFinite?: number } | { nodata: string } {
  const within = inPhase(j, phase);
  switch (s.kind) {
    case "query": {
      const all = mapping(file, "queries", j.queries);
      if (!Object.hasOwn(all, s.name)) {
        return { nodata: `${file} has no query ${s.name} (it has: ${listed(Object.keys(all))}); queries are evaluated by \`run --ab\` with this judge file, and need the scenario's detection.prometheus` };
      }
      const q = readQuerySeries(all[s.name], { file, path: ["queries", s.name] });
      if (q.query !== s.query) return { nodata: `${file} holds another query as ${s.name}: ${JSON.stringify(q.query)}` };
      if (q.error !== undefined) return { nodata: `the query failed in ${file}: ${q.error}` };
      if (q.series === 0) return { nodata: `the query returned nothing in ${file}: no series over the load; check its metric names and labels` };
      if (q.series > 1) return { nodata: `the query returned ${q.series} series in ${file}; aggregate it to one (sum, avg or max … by ())` };
      return { values: q.points.filter(([at]) => within(at)).map(([, v]) => v * s.scale), nonFinite: q.nonFinite };
    }
    case "probe":
    case "journey": {
      const name = s.kind === "probe" ? s.probe : s.journey;
      const known = mapping(file, `metrics.${s.kind}s`, s.kind === "probe" ? j.metrics.probes : j.metrics.journeys);
      if (!Object.hasOwn(known, name)) return { nodata: `${file} has no ${s.kind} ${name} (valid: ${listed(Object.keys(known))})` };
      const source = s.kind === "probe" ? probeSource(name) : journeySource(name);
      const values = phaseWindows(file, j, phase).map((w) => (Object.hasOwn(w.series, source) ? w.series[source]![s.stat] : undefined)).filter(finite);
      return { values };
    }
    case "resource": {
      const targets = mapping(file, "scenario.targets", j.scenario.targets);
      if (!Object.hasOwn(targets, s.target)) return { nodata: `${file} has no target ${s.target} (valid: ${listed(Object.keys(targets))})` };
      const values: number[] = [];
      for (const r of Object.values(mapping(file, "resources", j.resources)) as Journal["resources"][string][]) {
        if (r?.target !== s.target || !Array.isArray(r.samples)) continue;
        for (const x of r.samples) {
          const v = s.resource === "cpu" ? x?.cpuPercent : x?.memoryBytes;
          if (finite(x?.at) && within(x.at) && finite(v)) values.push(v);
        }
      }
      return { values };
    }
  }
}

/** What the metric reads, for reasons: "probe health p99", "query checkout-p99". */
function what(s: Other): string {
  if (s.kind === "query") return `query ${s.name}`;
  if (s.kind === "resource") return `${s.resource} samples of target ${s.target}`;
  return `${s.kind} ${s.kind === "probe" ? s.probe : s.journey} ${s.stat}`;
}

/** One side's samples of a metric that is not the load's own, pooled over its trials. */
export function otherValues(side: Side, spec: Pick<MetricSpec, "phase"> & { source: Other }): Samples {
  const values: number[] = [];
  let nonFinite = 0;
  for (const { file, journal } of side.journals) {
    const r = journalValues(file, journal, spec.source, spec.phase ?? "steady");
    if ("nodata" in r) return r;
    values.push(...r.values);
    nonFinite += r.nonFinite ?? 0;
  }
  const dropped = nonFinite ? `${nonFinite} value(s) over the load were NaN or infinite and left out (a ratio or quantile over no requests?)` : "";
  if (!values.length) return { nodata: `no value of ${what(spec.source)} in the ${spec.phase} phase on the ${side.label} side${dropped ? `: ${dropped}` : ""}` };
  return dropped ? { values, note: `${side.label}: ${dropped}` } : { values };
}
