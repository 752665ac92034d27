// How long the renderers take on a journal: `npx tsx bench/report-render.ts [journal.json …]`; without
// arguments on a made-up one-hour run (36,000 timeline rows, 3,600 windows, 60 faults). Prints the size of
// each journal and the median of 5 renders per format. A benchmark, not a test: timing depends on the machine.
import { readFileSync } from "node:fs";
import { median } from "simple-statistics";
import type { Journal } from "../harness/run/journal.ts";
import { reporters } from "../reports/registry.ts";
import { makeJournal } from "../test/fixtures/journal.ts";

const journals: [string, Journal][] = process.argv.length > 2
  ? process.argv.slice(2).map((f) => [f, JSON.parse(readFileSync(f, "utf8")) as Journal])
  : [["made-up 1 h run", makeJournal({ seconds: 3_600, extras: true, faults: Array.from({ length: 60 }, (_, i) => ({ kind: "crash" as const, atMs: 30_000 + i * 59_000, outageMs: 1_500 })) })]];

for (const [name, j] of journals) {
  console.log(`${name}: ${j.timeline.length} timeline rows, ${(j.loadEndedAt! - j.loadStartedAt!) / 1_000}s of load, ${j.faults.length} fault(s)`);
  for (const r of Object.values(reporters)) {
    const times: number[] = [];
    let size = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      size = r.render(j).length;
      times.push(performance.now() - t);
    }
    console.log(`  ${r.format.padEnd(8)} ${median(times).toFixed(1).padStart(8)} ms  ${(size / 1_024).toFixed(0).padStart(6)} KiB`);
  }
}
