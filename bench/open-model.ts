// Open-model accuracy: the undici engine against a trivial HTTP server in another process, at several
// arrival rates. Prints, per rate, the arrivals scheduled, sent and answered per second, how late sending
// was, and the latency measured from the scheduled time. The harness and the server share the machine's
// cores (as in a run), so read the figures as ratios of the same run.
// Run: npx tsx bench/open-model.ts [seconds per rate] [rates...]
import { spawn } from "node:child_process";
import { once } from "node:events";
import { table } from "../harness/cli/summary.ts";
import { undiciEngine } from "../harness/load/undici.ts";
import type { LoadSpec } from "../harness/load/spec.ts";
import { newHistogram, quantileMs, recordMs } from "../harness/metrics/histogram.ts";

const seconds = Number(process.argv[2] ?? 5);
const rates = process.argv.length > 3 ? process.argv.slice(3).map(Number) : [100, 500, 1_000, 2_000, 4_000];

const server = spawn(process.execPath, ["-e", "const s = require('node:http').createServer((q, r) => r.end('ok')).listen(0, '127.0.0.1', () => console.log(s.address().port))"], { stdio: ["ignore", "pipe", "inherit"] });
const [chunk] = (await once(server.stdout!, "data")) as [Buffer];
const url = `http://127.0.0.1:${String(chunk).trim()}`;

const rows: string[][] = [];
try {
  for (const rate of rates) {
    const spec: LoadSpec = {
      engine: "undici",
      model: "open",
      requests: [{ target: "s", path: "/", method: "GET", headers: {}, weight: 1 }],
      rate,
      stages: [],
      durationMs: seconds * 1_000,
      warmupMs: 0,
      timeoutMs: 2_000,
    };
    let ok = 0;
    let failed = 0;
    const latency = newHistogram(3);
    const report = await undiciEngine.run({
      urls: { s: [url] },
      spec,
      record: (_at, good, ms) => {
        if (good) ok++;
        else failed++;
        if (ms !== undefined) recordMs(latency, ms);
      },
      signal: new AbortController().signal,
      runDir: "/tmp",
    });
    const a = report!.arrivals!;
    rows.push([
      `${rate}/s`,
      `${a.sentRate}/s`,
      `${((100 * a.sentRate) / rate).toFixed(2)}%`,
      `${Math.round(((ok + failed) / seconds) * 100) / 100}/s`,
      String(failed),
      `${a.lateMs.p50} / ${a.lateMs.p99} / ${a.lateMs.max}`,
      `${quantileMs(latency, 50)} / ${quantileMs(latency, 99)}`,
    ]);
  }
} finally {
  server.kill();
}
console.log(table(["requested", "sent", "sent/requested", "answered", "failed", "late ms p50 / p99 / max", "latency ms p50 / p99"], rows));
