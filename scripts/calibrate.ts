// `npm run calibrate`: how often the canary judge fails the same service on both sides (A/A false-fail rate,
// goal ≤ the judge's family-wise level), how often it cannot decide (inconclusive rate), and how often it fails
// a worse canary (power), each with its 95% interval. Real A/A trials are recorded once on containers; the
// comparisons are resampled from them (harness/canary/resample.ts), so hundreds cost seconds, not hours.
//   npm run calibrate                              6 trials a side of ab-steady and ab-crash (3 A/B runs of 2
//                                                  a side each), then 400 resampled comparisons per series
//   npm run calibrate -- --from test-output/calibration        resample recorded runs again, no containers
//   npm run calibrate -- --trials 10 --repeat 2 --comparisons 1000 --seed 7 --scenarios ab-steady
//   npm run calibrate -- --bad 2 --series ab-latency,ab-crash   also 2 real A/B runs of those bad canaries
// Prints one line per real run, a table of the series and one of the metrics that decided them, then the
// verdict. Writes calibration.json beside the runs (test-output/calibration/, or the --from folder). Exits 0
// when the goal is met, 1 when it is missed (the interval wholly above it), 2 on bad options or unreadable
// files, 3 when a series measured nothing.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CommanderError } from "commander";
import { runAb } from "../harness/run/ab.ts";
import {
  analyse,
  completeRun,
  familyLines,
  metricTable,
  parseCalibrationArgs,
  readRecordedRuns,
  runFolderName,
  seriesTable,
  type CalibrationOptions,
  type RecordedRun,
} from "../harness/canary/calibration.ts";
import { loadJudgeConfig, type JudgeConfig } from "../harness/canary/config.ts";
import { terminalProgress } from "../harness/cli/progress.ts";
import { ScenarioError, UsageError } from "../harness/contracts/errors.ts";
import { loadScenario } from "../harness/scenario/parse.ts";

/** Bad options and unreadable files end here: the message, exit 2. */
function usage<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof UsageError || e instanceof ScenarioError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

let options: CalibrationOptions;
try {
  options = parseCalibrationArgs(process.argv.slice(2));
} catch (e) {
  // commander has printed the message (or the help).
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  throw e;
}
const root = join(import.meta.dirname, "..");
const config = usage(() => loadJudgeConfig(options.config));

/** Records the runs into `out`: `trials / repeat` A/A runs of each scenario, and `bad` runs of each bad canary. */
async function record(out: string, config: JudgeConfig): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const progress = () => terminalProgress(process.stderr, false);
  const one = async (name: string, kind: RecordedRun["kind"], i: number, of: number) => {
    const loaded = loadScenario(join(root, "test", "scenarios", `${name}.yaml`));
    // A/A: the canary is the baseline itself (ab-crash's canary would otherwise boot 2.5 s slower).
    const scenario = kind === "aa" ? { ...loaded, variants: { baseline: loaded.variants?.baseline ?? {}, canary: loaded.variants?.baseline ?? {} } } : loaded;
    const started = Date.now();
    const r = await runAb(scenario, join(out, runFolderName(name, kind, i)), options.repeat, config, { progress });
    const took = `${((Date.now() - started) / 1_000).toFixed(1)}s`;
    const j = r.comparison?.judgement;
    if (!j) console.log(`${name} ${kind} ${i}/${of}: a trial did not complete (${r.sides.baseline.aggregate.reasons.concat(r.sides.canary.aggregate.reasons).join("; ")}) in ${took}`);
    else console.log(`${name} ${kind} ${i}/${of}: ${j.verdict.toUpperCase()} (${j.because}) in ${took}`);
  };
  const runs = options.trials / options.repeat;
  for (const name of options.scenarios) for (let i = 1; i <= runs; i++) await one(name, "aa", i, runs);
  for (const name of options.bad ? options.series : []) for (let i = 1; i <= options.bad; i++) await one(name, "bad", i, options.bad);
}

const dir = options.from === undefined ? join(root, "test-output", "calibration") : resolve(options.from);
if (options.from === undefined) await record(dir, config);
const runs = usage(() => readRecordedRuns(dir));
if (options.from !== undefined) {
  for (const r of runs) console.log(`${r.name}: ${r.baseline.length} + ${r.canary.length} trial(s)${completeRun(r) ? "" : ", not complete"}`);
}
const started = Date.now();
const result = usage(() => analyse(runs, options, config));
const file = join(dir, "calibration.json");
writeFileSync(file, JSON.stringify(result, null, 2) + "\n");

const recorded = result.recorded.map((r) => `${r.scenario}: ${r.trials} trials (${r.completeRuns} of ${r.runs} runs complete${r.leftOut ? `, ${r.leftOut} trial(s) left out` : ""})`);
console.log(`\nrecorded: ${recorded.join("; ")}`);
console.log(`resampled: ${result.comparisons} comparisons a series, ${result.repeat} trial(s) a side, seed ${result.seed}, in ${((Date.now() - started) / 1_000).toFixed(1)}s`);
console.log(`\n${seriesTable(result.series)}\n\nmetrics not always pass (comparisons by classification):\n${metricTable(result.series)}\n`);
console.log(`${familyLines(result.series, config.familyLevel).join("\n")}\n`);
for (const w of result.verdict.warnings) console.log(w);
console.log(`written: ${file}`);
console.log(`calibration: ${result.verdict.closing}`);
process.exit(result.verdict.exitCode);
