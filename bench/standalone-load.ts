// Child process of bench item 1: standalone autocannon (the library as its command line calls it, no
// harness code) with the load of bench/scenarios/load-overhead.yaml against URL. Prints the figures item 1
// reads from a harness run's journal: { throughput, p99, requests, cpuUsPerRequest }.
// Usage: standalone-load.ts BASE_URL
import { runAutocannon } from "../harness/load/autocannon-api.ts";
import { loadScenario } from "../harness/scenario/parse.ts";
import { benchScenario } from "./cli.ts";

const url = process.argv[2]!;
const { load } = loadScenario(benchScenario("load-overhead.yaml"));
const request = load.requests[0]!;
const cpu = process.cpuUsage();
const r = await runAutocannon({
  url: url + request.path,
  method: request.method,
  connections: load.connections,
  duration: load.durationMs / 1_000,
  timeout: load.timeoutMs / 1_000,
});
const used = process.cpuUsage(cpu);
process.stdout.write(
  JSON.stringify({
    throughput: Math.round((r["2xx"] / r.duration) * 100) / 100,
    p99: r.latency.p99,
    requests: r.requests.total,
    cpuUsPerRequest: (used.user + used.system) / r.requests.total,
  }) + "\n",
);
