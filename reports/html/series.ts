// From the journal's 100 ms timeline (and resource samples) to the charts of the HTML report. Buckets are
// grouped into points of at least 500 ms (more for long runs, so a chart never has more than ~600 points):
// rates and error shares are exact over a point; a latency point is the highest bucket quantile in it.
import type { Journal } from "../../harness/contracts/journal.ts";
import { LOAD_SOURCE } from "../../harness/contracts/journal.ts";
import type { ChartBand, ChartMarker, ChartSeries, ChartSpec } from "./chart.ts";

const MAX_POINTS = 600;
const MIN_POINT_MS = 500;
const COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#4b5563"];

interface Group {
  t: number;
  rows: Journal["timeline"];
}

function groups(j: Journal): Group[] {
  const base = j.loadStartedAt ?? j.startedAt;
  const size = Math.max(Math.ceil(MIN_POINT_MS / j.bucketMs), Math.ceil(j.timeline.length / MAX_POINTS));
  const out: Group[] = [];
  for (let i = 0; i < j.timeline.length; i += size) {
    const rows = j.timeline.slice(i, i + size);
    out.push({ t: (rows[0]!.at - base) / 1_000, rows });
  }
  return out;
}

function sources(j: Journal): string[] {
  const set = new Set<string>();
  for (const row of j.timeline) for (const s of Object.keys(row.series)) set.add(s);
  return [LOAD_SOURCE, ...[...set].filter((s) => s !== LOAD_SOURCE).sort()];
}

export function faultBands(j: Journal): ChartBand[] {
  const base = j.loadStartedAt ?? j.startedAt;
  const end = j.loadEndedAt ?? j.endedAt;
  return j.faults
    .filter((f) => f.injectedAt !== null)
    .map((f) => ({
      from: (f.injectedAt! - base) / 1_000,
      to: (Math.max(f.restoredAt ?? f.injectedAt!, f.recoveredAt ?? (f.recovered ? f.injectedAt! : end)) - base) / 1_000,
      label: `${f.id}: ${f.description}`,
    }));
}

export function faultMarkers(j: Journal): ChartMarker[] {
  const base = j.loadStartedAt ?? j.startedAt;
  const t = (at: number) => (at - base) / 1_000;
  const out: ChartMarker[] = [];
  for (const f of j.faults) {
    if (f.detectedAt) out.push({ t: t(f.detectedAt), kind: "detected", label: `${f.id} detected${f.detectedBy ? ` by ${f.detectedBy}` : ""}` });
    if (f.actionAt) out.push({ t: t(f.actionAt), kind: "action", label: `${f.id}: ${f.action ?? "action"}` });
    if (f.recoveredAt && f.recoveredAt !== f.injectedAt) out.push({ t: t(f.recoveredAt), kind: "recovered", label: `${f.id} recovered` });
  }
  for (const a of j.alerts ?? []) if (a.state === "firing") out.push({ t: t(a.at), kind: "alert", label: `alert ${a.name} firing` });
  return out;
}

export function timelineCharts(j: Journal): ChartSpec[] {
  const base = j.loadStartedAt ?? j.startedAt;
  const tMax = ((j.loadEndedAt ?? j.endedAt) - base) / 1_000;
  const g = groups(j);
  const common = { tMin: 0, tMax, bands: faultBands(j), markers: faultMarkers(j) };
  const seconds = (grp: Group) => (grp.rows.length * j.bucketMs) / 1_000;
  const sum = (grp: Group, source: string, key: "ok" | "failed") => grp.rows.reduce((s, r) => s + (r.series[source]?.[key] ?? 0), 0);
  const peak = (grp: Group, key: "p50" | "p99") => {
    const vs = grp.rows.map((r) => r.series[LOAD_SOURCE]?.[key]).filter((v): v is number => v !== undefined);
    return vs.length ? Math.max(...vs) : null;
  };
  const errorSeries: ChartSeries[] = sources(j).map((source, i) => ({
    name: source,
    color: COLORS[i % COLORS.length]!,
    points: g.map((grp) => {
      const ok = sum(grp, source, "ok");
      const failed = sum(grp, source, "failed");
      return { t: grp.t, v: ok + failed ? (100 * failed) / (ok + failed) : null };
    }),
  }));
  return [
    {
      ...common,
      id: "throughput",
      title: "Throughput",
      unit: "successful requests/s",
      series: [
        { name: "ok", color: COLORS[2]!, points: g.map((grp) => ({ t: grp.t, v: sum(grp, LOAD_SOURCE, "ok") / seconds(grp) })) },
        { name: "failed", color: COLORS[1]!, points: g.map((grp) => ({ t: grp.t, v: sum(grp, LOAD_SOURCE, "failed") / seconds(grp) })) },
      ],
    },
    { ...common, id: "errors", title: "Error rate", unit: "% of outcomes failed", yMax: 100, series: errorSeries },
    {
      ...common,
      id: "latency",
      title: "Latency",
      unit: "ms",
      series: [
        { name: "p50", color: COLORS[0]!, points: g.map((grp) => ({ t: grp.t, v: peak(grp, "p50") })) },
        { name: "p99", color: COLORS[3]!, points: g.map((grp) => ({ t: grp.t, v: peak(grp, "p99") })) },
      ],
      caption: `Each point is the highest 100 ms-bucket quantile within ${g[0] ? seconds(g[0]) : 0.5}s.`,
    },
  ];
}

export function resourceCharts(j: Journal): ChartSpec[] {
  const entries = Object.entries(j.resources ?? {});
  if (!entries.length) return [];
  const base = j.loadStartedAt ?? j.startedAt;
  const tMin = Math.min(0, ...entries.flatMap(([, r]) => r.samples.map((s) => (s.at - base) / 1_000)));
  const tMax = Math.max(((j.loadEndedAt ?? j.endedAt) - base) / 1_000, ...entries.flatMap(([, r]) => r.samples.map((s) => (s.at - base) / 1_000)));
  const common = { tMin, tMax, bands: faultBands(j), markers: faultMarkers(j) };
  const per = (pick: (s: NonNullable<Journal["resources"]>[string]["samples"][number]) => number): ChartSeries[] =>
    entries.map(([name, r], i) => ({ name, color: COLORS[i % COLORS.length]!, points: r.samples.map((s) => ({ t: (s.at - base) / 1_000, v: pick(s) })) }));
  return [
    { ...common, id: "cpu", title: "Container CPU", unit: "% of one core", series: per((s) => s.cpuPercent) },
    { ...common, id: "memory", title: "Container memory", unit: "MiB", series: per((s) => s.memoryBytes / 1_048_576) },
  ];
}
