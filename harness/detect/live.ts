// The built-in detectors, evaluated while the run lasts: every `every`, each reads its signal's latest value
// and takes one step, so a detection happens (and is timed) when it would in production. A firing or a
// resolution is reported to the alert log like any alert, with the detector's name.
import type { Recorder } from "../metrics/recorder.ts";
import type { ResourceMonitor, TargetResources } from "../monitor/resources.ts";
import { sleep } from "../contracts/time.ts";
import type { AlertLog } from "./alert-log.ts";
import type { DetectorRuntime } from "./detector.ts";
import { detectorRuntimes } from "./registry.ts";
import type { DetectorSpec } from "../specs/detect/scenario.ts";
import { signals, type SignalName } from "../specs/detect/signals.ts";

export interface SignalSources {
  recorder: Recorder;
  monitor: ResourceMonitor;
  /** For `query` detectors. */
  prometheusUrl: string | null;
}

export function runDetectors(
  specs: readonly DetectorSpec[],
  sources: SignalSources,
  log: AlertLog,
  signal: AbortSignal,
  onError: (message: string) => void,
): Promise<void> {
  return Promise.all(specs.map((spec) => runOne(spec, sources, log, signal, onError))).then(() => undefined);
}

async function runOne(spec: DetectorSpec, sources: SignalSources, log: AlertLog, signal: AbortSignal, onError: (m: string) => void): Promise<void> {
  const detector = (detectorRuntimes as Record<string, DetectorRuntime<object, unknown>>)[spec.kind]!;
  const of = (signal: string) => `${signal} of ${(signals[signal as SignalName].scope === "container" ? spec.target : null) ?? spec.source.replace(/^probe:/, "probe ")}`;
  const labels = { detector: spec.kind, signal: spec.query ? `query ${spec.query}` : spec.signals ? spec.signals.map(of).join(", ") : of(spec.signal!) };
  let state = detector.init(spec.params);
  let alarmed = false;
  let firingLabels: Record<string, string> = labels;
  let lastError = "";
  // Evaluations are aligned on the load's start, one window of `every` each, the first one complete.
  for (let k = 1; !signal.aborted; k++) {
    await sleep(Math.max(0, sources.recorder.startAt + k * spec.everyMs - Date.now()), signal);
    if (signal.aborted) break;
    let values: (number | null)[];
    try {
      const end = sources.recorder.startAt + k * spec.everyMs;
      values = spec.signals ? await Promise.all(spec.signals.map((name) => read(spec, name, sources, end))) : [await read(spec, spec.signal, sources, end)];
      lastError = "";
    } catch (e) {
      const message = `detector ${spec.name}: ${(e as Error).message}`;
      if (message !== lastError) onError(message);
      lastError = message;
      continue;
    }
    if (values.some((v) => v === null) || signal.aborted) continue; // nothing measured in this window: no step
    const at = Date.now();
    const point = spec.signals ? { at, value: values[0]!, values: values as number[], names: spec.signals } : { at, value: values[0]! };
    const step = detector.step(state, point, spec.params);
    state = step.state;
    // A resolution carries the labels of its firing: an alert is one name with one set of labels.
    if (step.alarm && !alarmed) firingLabels = { ...labels, ...step.labels };
    if (step.alarm !== alarmed) log.report({ name: spec.name, state: step.alarm ? "firing" : "resolved", at, labels: firingLabels });
    alarmed = step.alarm;
  }
}

/** The signal's value (container signals: of the target, others: of the source) for the window ending at `end`, or null when nothing was measured in it. */
async function read(spec: DetectorSpec, name: SignalName | null, sources: SignalSources, end: number): Promise<number | null> {
  if (spec.query !== null) return query(sources.prometheusUrl!, spec.query, spec.everyMs);
  const signal = name!;
  if (signals[signal].scope === "container") {
    return sources.monitor.current(spec.target!)?.[signal as keyof TargetResources] ?? null;
  }
  const rec = sources.recorder;
  const to = rec.bucketIndex(end);
  const w = rec.stats(spec.source, to - spec.everyMs / rec.bucketMs, to, { latency: signal !== "error_rate" && signal !== "requests" });
  const n = w.ok + w.failed;
  if (signal === "requests") return (n * 1_000) / spec.everyMs;
  if (n === 0) return null;
  if (signal === "error_rate") return w.failed / n;
  return w.latency[signal as "p99"] ?? null;
}

async function query(url: string, promql: string, timeoutMs: number): Promise<number | null> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, { signal: AbortSignal.timeout(Math.max(500, timeoutMs)) });
  const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: unknown } };
  if (body.status !== "success") throw new Error(`query failed: ${body.error ?? res.status}`);
  const r = body.data!;
  const sample = r.resultType === "vector" ? (r.result as { value: [number, string] }[])[0]?.value : r.resultType === "scalar" ? (r.result as [number, string]) : undefined;
  if (!sample) return null;
  const value = Number(sample[1]);
  return Number.isFinite(value) ? value : null;
}
