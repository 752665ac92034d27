// From the recorder to the journal's numbers: totals, availability (request- and time-based), latency,
// the steady-state windows, and each fault's impact and recovery.
import { violation } from "../metrics/hypothesis.ts";
import type { Recorder } from "../metrics/recorder.ts";
import type { FaultRecord, Journal, SourceMetrics, WindowRow } from "../contracts/journal.ts";
import { locateRecovery } from "./recovery.ts";
import { LOAD_SOURCE } from "../contracts/journal.ts";
import { describeHypothesis, type HypothesisSpec } from "../specs/hypothesis.ts";

export { journeySource, probeSource } from "../contracts/journal.ts";

type Measured = Pick<Journal, "metrics" | "hypothesis" | "timeline" | "bucketMs" | "windows"> & { faults: FaultRecord[] };

export function measure(rec: Recorder, h: HypothesisSpec, faults: FaultRecord[], loadStartedAt: number): Measured {
  const judged = rec.hypothesisSources();
  const load = rec.totals(LOAD_SOURCE);
  const total = load.ok + load.failed;
  const loadMs = rec.closedAt - loadStartedAt;

  // Windows carry every source (the canary judge compares any of them, journeys kept out of the hypothesis
  // included); whether the hypothesis held is judged on its own sources.
  const sources = rec.sources();
  const windows = sources.map((s) => rec.alignedWindows(s));
  const windowCount = windows[0]?.length ?? 0;
  const held = Array.from({ length: windowCount }, (_, k) =>
    judged.every((s) => !violation(h, windows[sources.indexOf(s)]![k]!, rec.isSparse(s))),
  );
  const firstInjection = Math.min(...faults.map((f) => f.injectedAt ?? Infinity));
  const beforeCount = Number.isFinite(firstInjection)
    ? Math.min(windowCount, Math.floor((firstInjection - loadStartedAt) / h.windowMs))
    : windowCount;

  const perSource = (prefix: string) => {
    const out: Record<string, SourceMetrics> = {};
    for (const s of rec.sources().filter((x) => x.startsWith(prefix))) {
      const t = rec.totals(s);
      const n = t.ok + t.failed;
      out[s.slice(prefix.length)] = { total: n, ok: t.ok, failed: t.failed, failedBy: t.failedBy, availability: n ? t.ok / n : null, latencyMs: t.latency };
    }
    return out;
  };

  return {
    metrics: {
      requests: { total, ok: load.ok, failed: load.failed, failedBy: load.failedBy },
      availability: { request: total ? load.ok / total : null, time: windowCount ? held.filter(Boolean).length / windowCount : null },
      latencyMs: load.latency,
      throughput: loadMs > 0 ? round((load.ok * 1_000) / loadMs) : null,
      requestRate: loadMs > 0 ? round((total * 1_000) / loadMs) : null,
      probes: perSource("probe:"),
      // Failures (step, error, screenshot) are attached from the journey runner when the journal is built.
      journeys: Object.fromEntries(Object.entries(perSource("journey:")).map(([k, m]) => [k, { ...m, failures: [], failuresOmitted: 0 }])),
    },
    hypothesis: {
      windowMs: h.windowMs,
      stableForMs: h.stableForMs,
      conditions: describeHypothesis(h),
      windows: { total: windowCount, held: held.filter(Boolean).length },
      before: beforeCount > 0 ? { windows: beforeCount, held: held.slice(0, beforeCount).filter(Boolean).length } : null,
    },
    faults: faults.map((f) => {
      if (f.injectedAt === null || f.error) return f;
      const r = locateRecovery(rec, judged, h, f.injectedAt);
      return { ...f, ...r, recovered: r.recoveredAt !== null };
    }),
    bucketMs: rec.bucketMs,
    timeline: rec.timeline(),
    windows: held.map((ok, k) => {
      const series: WindowRow["series"] = {};
      sources.forEach((s, i) => {
        const w = windows[i]![k]!;
        if (w.ok + w.failed > 0) series[s] = { ok: w.ok, failed: w.failed, ...w.latency, ...(w.histogram ? { histogram: w.histogram } : {}) };
      });
      return { at: loadStartedAt + k * h.windowMs, held: ok, series };
    }),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
