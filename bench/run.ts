// `npm run bench`: runs every item of bench/registry.ts, prints a table, writes bench/results.json and,
// with --readme, the README's figures. Exit 0 when every goal is met, 1 when one is missed (a goal left
// unmeasured counts as missed), 2 on usage errors, 3 on error.
// Options: --only 1,3 (some items; results.json keeps the others' last figures, each with when and where
// it was measured, and the exit code is of the items run), --repeats N (default 5), --readme.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { newRunId } from "../harness/run/orchestrator.ts";
import { Teardown } from "../harness/contracts/teardown.ts";
import { connectDocker } from "../harness/docker/docker.ts";
import { buildTargetImage, ensureBaseImage } from "../harness/docker/images.ts";
import type { BenchContext } from "./item.ts";
import { describeMachine, loadAverageNow } from "./machine.ts";
import { benchItems } from "./registry.ts";
import { renderReadmeSection, renderTable } from "./report.ts";
import { exitCode, judge, mergeResults, readResults, type ItemResult } from "./results.ts";

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
const unknown = opts.only?.filter((id) => !benchItems.some((i) => i.id === id)) ?? [];
if (unknown.length) {
  process.stderr.write(`--only: no item ${unknown.join(", ")} (valid: ${benchItems.map((i) => i.id).join(", ")})\n`);
  process.exit(2);
}
const loadAtStart = loadAverageNow();
const docker = await connectDocker();
const teardown = new Teardown();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: removing what the bench started`);
    // unwind() never rejects (it collects undo failures), so the chain cannot end in an unhandled rejection.
    void teardown.unwind().then(() => process.exit(130));
  });
}

const selected = benchItems.filter((i) => !opts.only || opts.only.includes(i.id));
if (selected.some((i) => !i.simulated)) {
  const apiDir = join(import.meta.dirname, "..", "fixtures", "api");
  log("warming images");
  await ensureBaseImage(docker);
  await buildTargetImage(docker, apiDir, "api");
}

const ctx: BenchContext = {
  docker,
  benchId: `bench-${newRunId()}`,
  teardown,
  repeats: opts.repeats,
  workDir: mkdtempSync(join(tmpdir(), "steadystate-bench-")),
  shared: new Map(),
  log,
};
const previous = existsSync(RESULTS) ? readResults(readFileSync(RESULTS, "utf8")) : undefined;
const measured: Omit<ItemResult, "generatedAt" | "machine">[] = [];
for (const item of selected) {
  log(`${item.id}. ${item.title}`);
  try {
    const r = await item.run(ctx);
    measured.push({ id: item.id, title: item.title, figures: r.figures.map(judge), details: r.details });
  } catch (e) {
    measured.push({ id: item.id, title: item.title, figures: [], details: {}, error: (e as Error).message.split("\n")[0]! });
  } finally {
    await teardown.unwind();
  }
}

const run = { generatedAt: new Date().toISOString(), machine: await describeMachine(docker, loadAtStart) };
const fresh: ItemResult[] = measured.map(({ id, title, ...rest }) => ({ id, title, ...run, ...rest }));
const results = mergeResults(previous, fresh, benchItems.map((i) => i.id));
writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
process.stdout.write(`\n${renderTable(results)}\nwritten: ${RESULTS} (runs and journals in ${ctx.workDir})\n`);
if (opts.readme) {
  const readme = readFileSync(README, "utf8");
  const [before, rest] = readme.split(README_BEGIN);
  const after = rest?.split(README_END)[1];
  if (before === undefined || after === undefined) throw new Error(`README.md has no ${README_BEGIN} … ${README_END} section`);
  writeFileSync(README, `${before}${README_BEGIN}\n${renderReadmeSection(results)}\n${README_END}${after}`);
}
process.exit(exitCode(fresh));
