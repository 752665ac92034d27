// Item 5. Report rendering of the one-hour journal (item 4's): every format in reports/registry.ts, so a
// format added there is timed too. Reading the journal back (JSON.parse) is timed apart.
import { readFileSync } from "node:fs";
import type { Journal } from "../harness/contracts/journal.ts";
import { reporters } from "../reports/registry.ts";
import type { Reporter } from "../reports/reporter.ts";
import type { BenchItem } from "./item.ts";
import { oneHour } from "./recorder-memory.ts";
import { round, summary } from "./stats.ts";

const REPEATS = 3;

export const reportRendering: BenchItem = {
  id: 5,
  title: "Report rendering of the one-hour journal (every format)",
  async run(ctx) {
    const { journalFile, journalBytes } = await oneHour(ctx);
    const text = readFileSync(journalFile, "utf8");
    let t = performance.now();
    const journal = JSON.parse(text) as Journal;
    const parseMs = performance.now() - t;
    const perFormat: Record<string, ReturnType<typeof summary> & { bytes: number }> = {};
    for (const r of Object.values(reporters as Record<string, Reporter>)) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < REPEATS; i++) {
        t = performance.now();
        bytes = r.render(journal).length;
        times.push(performance.now() - t);
      }
      perFormat[r.format] = { ...summary(times), bytes };
      ctx.log(`${r.format}: ${round(perFormat[r.format]!.median, 1)}ms, ${bytes} bytes`);
    }
    const total = Object.values(perFormat).reduce((s, f) => s + f.median, 0);
    return {
      figures: [
        {
          name: `all formats (${Object.keys(perFormat).join(", ")})`,
          value: round(total / 1_000),
          unit: "s",
          goal: { op: "<", value: 2 },
          note: "every format in reports/registry.ts is timed, the median of 3 renderings each",
        },
        ...Object.entries(perFormat).map(([format, f]) => ({ name: `  ${format}`, value: round(f.median, 1), unit: "ms" as const })),
        { name: "journal size", value: round(journalBytes / 2 ** 20, 1), unit: "MB" },
        { name: "reading it back (JSON.parse)", value: round(parseMs / 1_000), unit: "s" },
      ],
      details: { journalBytes, parseMs: round(parseMs, 1), perFormatMs: perFormat },
    };
  },
};
