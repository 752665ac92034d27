// Child process of bench items 4 and 5 (run with --expose-gc): feeds a Recorder one hour of outcomes at
// RATE requests/s (5,000: 18 million), with an outage after each fault of scenarios/one-hour.yaml,
// sampling memory as it goes; then builds the journal and writes it as a run does. Prints its figures
// as JSON. Usage: one-hour.ts JOURNAL_FILE [RATE]
import { writeFileSync } from "node:fs";
import { Recorder } from "../harness/metrics/recorder.ts";
import { scheduledFault, type FaultRecord, LOAD_SOURCE } from "../harness/contracts/journal.ts";
import { probeSource } from "../harness/run/measure.ts";
import { planFaults } from "../harness/run/schedule.ts";
import { buildJournal } from "../harness/run/verdict.ts";
import { loadScenario } from "../harness/scenario/parse.ts";
import { reporters } from "../reports/registry.ts";
import { benchScenario } from "./cli.ts";

const OUTAGE_MS = 1_500; // after an instant fault; a window fault is down for its duration
const SAMPLES = 10;

const out = process.argv[2]!;
const RATE = Number(process.argv[3] ?? 5_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const scenario = loadScenario(benchScenario("one-hour.yaml"));
const T0 = 1_700_000_000_000;
const hourMs = scenario.load.durationMs;
const total = (hourMs / 1_000) * RATE;
const outages = planFaults(scenario).map((p) => [p.spec.atMs, p.spec.atMs + (p.spec.durationMs ?? OUTAGE_MS)] as const);
const down = (offsetMs: number) => outages.some(([from, to]) => offsetMs >= from && offsetMs < to);

gc();
const baselineRss = process.memoryUsage.rss();
const rec = new Recorder(T0, { windowMs: scenario.steadyState.windowMs });
rec.addSource(LOAD_SOURCE);
rec.addSource(probeSource("health"));
let peakRss = baselineRss;
const heapMB: number[] = [];
const rssMB: number[] = [];
const started = performance.now();
for (let i = 0; i < total; i++) {
  const offset = (i * 1_000) / RATE;
  const at = T0 + Math.floor(offset);
  // Deterministic latencies: 2–12 ms, one in a thousand around 80 ms.
  const latency = i % 1_000 === 0 ? 80 + (i % 7) : 2 + ((i * 7_919) % 1_000) / 100;
  if (down(offset)) rec.record(LOAD_SOURCE, at, false, undefined, "ECONNREFUSED");
  else rec.record(LOAD_SOURCE, at, true, latency);
  if (i % Math.max(1, RATE / 4) === 0) rec.record(probeSource("health"), at, !down(offset), down(offset) ? undefined : 1, down(offset) ? "ECONNREFUSED" : undefined);
  if (i % 100_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
  if ((i + 1) % (total / SAMPLES) === 0) {
    gc();
    heapMB.push(process.memoryUsage().heapUsed / 2 ** 20);
    rssMB.push(mb(process.memoryUsage.rss()));
  }
}
rec.close(T0 + hourMs);
const recordSeconds = (performance.now() - started) / 1_000;

const journalStarted = performance.now();
const faults: FaultRecord[] = planFaults(scenario).map((p) => ({
  ...scheduledFault({
    id: p.id,
    kind: p.spec.kind,
    target: p.spec.target,
    description: p.description,
    victims: ["ss-bench-api-0"],
    atMs: p.spec.atMs,
    durationMs: p.spec.durationMs ?? null,
  }),
  injectedAt: T0 + p.spec.atMs,
  restoredAt: p.spec.durationMs === undefined ? null : T0 + p.spec.atMs + p.spec.durationMs,
}));
const journal = buildJournal({
  scenario,
  runId: "bench-one-hour",
  startedAt: T0 - 2_000,
  endedAt: T0 + hourMs + 2_000,
  loadStartedAt: T0,
  loadEndedAt: T0 + hourMs,
  recorder: rec,
  faults,
  checks: [],
  targets: undefined,
  events: [],
  undoFailures: [],
  error: undefined,
  interrupted: undefined,
});
const text = reporters.json.render(journal);
writeFileSync(out, text);
const journalSeconds = (performance.now() - journalStarted) / 1_000;
peakRss = Math.max(peakRss, process.memoryUsage.rss());

process.stdout.write(
  JSON.stringify({
    outcomes: total,
    buckets: rec.bucketCount(),
    recordSeconds,
    journalSeconds,
    journalBytes: Buffer.byteLength(text),
    baselineRssMB: mb(baselineRss),
    peakRssMB: mb(peakRss),
    heapMB,
    rssMB,
    verdict: journal.verdict,
    mttrMs: journal.faults.map((f) => f.mttrMs),
  }) + "\n",
);
