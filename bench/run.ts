// `npm run bench`: runs every item of bench/registry.ts, prints a table, writes bench/results.json and,
// with --readme, the README's figures. Exit 0 when every goal is met, 1 when one is missed, 3 on error.
// Options: --only 1,3 (some items; results.json keeps the others' last figures), --repeats N (default 5),
// --readme.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { newRunId } from "../harness/run/orchestrator.ts";
import { Teardown } from "../harness/run/teardown.ts";
import { holds } from "../harness/slo/grammar.ts";
import { connectDocker } from "../harness/targets/docker.ts";
import { buildTargetImage, ensureBaseImage } from "../harness/targets/images.ts";
import type { BenchContext } from "./item.ts";
import { describeMachine, loadAverageNow } from "./machine.ts";
import { benchItems } from "./registry.ts";
import { renderReadmeSection, renderTable, type BenchResults, type ItemResult } from "./report.ts";

const RESULTS = join(import.meta.dirname, "results.json");
const README = join(import.meta.dirname, "..", "README.md");
const README_BEGIN = "<!-- bench:begin -->";
const README_END = "<!-- bench:end -->";

const opts = new Command("bench")
  .option("--only <ids>", "comma-separated item numbers", (v) => v.split(",").map(Number))
  .option("--repeats <n>", "repeats of interleaved items", Number, Number(process.env.BENCH_REPEATS ?? 5))
  .option("--readme", "write the figures into README.md")
  .parse()
  .opts<{ only?: number[]; repeats: number; readme?: boolean }>();

const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
const loadAtStart = loadAverageNow();
const docker = await connectDocker();
const teardown = new Teardown();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    log(`${signal}: removing what the bench started`);
    await teardown.unwind();
    process.exit(130);
  });
}

const apiDir = join(import.meta.dirname, "..", "fixtures", "api");
log("warming images");
await ensureBaseImage(docker);
await buildTargetImage(docker, apiDir, "api");

const ctx: BenchContext = {
  docker,
  benchId: `bench-${newRunId()}`,
  teardown,
  repeats: opts.repeats,
  workDir: mkdtempSync(join(tmpdir(), "steadystate-bench-")),
  shared: new Map(),
  log,
};
const previous: BenchResults | undefined = existsSync(RESULTS) ? JSON.parse(readFileSync(RESULTS, "utf8")) : undefined;
const items: ItemResult[] = [];
for (const item of benchItems) {
  if (opts.only && !opts.only.includes(item.id)) {
    const kept = previous?.items.find((i) => i.id === item.id);
    if (kept) items.push(kept);
    continue;
  }
  log(`${item.id}. ${item.title}`);
  try {
    const r = await item.run(ctx);
    const figures = r.figures.map((f) => (f.goal && f.value !== null ? { ...f, pass: holds(f.value, f.goal) } : f));
    items.push({ id: item.id, title: item.title, figures, details: r.details });
  } catch (e) {
    items.push({ id: item.id, title: item.title, figures: [], details: {}, error: (e as Error).message.split("\n")[0]! });
  } finally {
    await teardown.unwind();
  }
}

const results: BenchResults = { generatedAt: new Date().toISOString(), machine: await describeMachine(docker, loadAtStart), items };
writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
process.stdout.write(`\n${renderTable(results)}\nwritten: ${RESULTS} (runs and journals in ${ctx.workDir})\n`);
if (opts.readme) {
  const readme = readFileSync(README, "utf8");
  const [before, rest] = readme.split(README_BEGIN);
  const after = rest?.split(README_END)[1];
  if (before === undefined || after === undefined) throw new Error(`README.md has no ${README_BEGIN} … ${README_END} section`);
  writeFileSync(README, `${before}${README_BEGIN}\n${renderReadmeSection(results)}\n${README_END}${after}`);
}
const failed = items.some((i) => i.error);
const missed = items.some((i) => i.figures.some((f) => f.pass === false));
process.exit(failed ? 3 : missed ? 1 : 0);
