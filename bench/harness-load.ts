// Child process of bench item 1: the load phase of a run as the orchestrator drives it (the autocannon
// engine, every outcome recorded, live statistics every 250 ms) against URL, measured as the journal
// measures it, and the CPU it used per request. Prints { throughput, p99, requests, cpuUsPerRequest }.
// Usage: harness-load.ts BASE_URL (no path)
import { loadEngines } from "../harness/load/registry.ts";
import { Recorder } from "../harness/metrics/recorder.ts";
import { LOAD_SOURCE, measure } from "../harness/run/measure.ts";
import { liveStats, TICK_MS } from "../harness/run/orchestrator.ts";
import { loadScenario } from "../harness/scenario/parse.ts";
import { benchScenario } from "./cli.ts";

const url = process.argv[2]!;
const scenario = loadScenario(benchScenario("load-overhead.yaml"));
const cpu = process.cpuUsage();
const loadStartedAt = Date.now();
const rec = new Recorder(loadStartedAt, { windowMs: scenario.steadyState.windowMs });
rec.addSource(LOAD_SOURCE);
const ticker = setInterval(() => liveStats(rec, scenario, { active: () => [] }), TICK_MS);
await loadEngines[scenario.load.engine].run({
  urls: { [scenario.load.requests[0]!.target]: [url] },
  runDir: process.cwd(),
  spec: scenario.load,
  record: (at, ok, latencyMs, reason) => rec.record(LOAD_SOURCE, at, ok, latencyMs, reason),
  signal: new AbortController().signal,
});
clearInterval(ticker);
rec.close(Date.now());
const used = process.cpuUsage(cpu);
const { metrics } = measure(rec, scenario.steadyState, [], loadStartedAt);
process.stdout.write(
  JSON.stringify({
    throughput: metrics.throughput,
    p99: metrics.latencyMs.p99,
    requests: metrics.requests.total,
    cpuUsPerRequest: (used.user + used.system) / metrics.requests.total,
  }) + "\n",
);
