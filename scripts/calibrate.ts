// `npm run calibrate`: how often the canary judge fails a canary that is the baseline itself (A/A), on real
// containers, and (with --bad N) how often it catches the three bad canaries of the calibration tests.
//   npm run calibrate                      20 A/A comparisons, 2 trials a side each
//   npm run calibrate -- --pairs 10 --repeat 1 --bad 5 --aa-crash 5
//   npm run calibrate -- --pairs 0 --bad 5 --series ab-latency,ab-errors
// (--aa-crash N: N more A/A comparisons of the crash scenario, its canary made the baseline itself)
// Prints one line per comparison, then the false-fail rates (goal ≤ 5 %) and the detection power. Exits 2
// on bad options, 3 when a series completed no comparison (nothing was measured), 1 when an A/A false-fail
// rate is above the goal, else 0. Run folders are kept under test-output/calibration/.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { CommanderError } from "commander";
import { runAb } from "../harness/run/ab.ts";
import { calibrationVerdict, parseCalibrationArgs, type CalibrationOptions, type SeriesCount } from "../harness/canary/calibration.ts";
import { loadJudgeConfig } from "../harness/canary/config.ts";
import { terminalProgress } from "../harness/cli/progress.ts";
import { loadScenario } from "../harness/scenario/parse.ts";

let options: CalibrationOptions;
try {
  options = parseCalibrationArgs(process.argv.slice(2));
} catch (e) {
  // commander has printed the message (or the help).
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  throw e;
}
const { pairs, repeat, bad } = options;
const root = join(import.meta.dirname, "..");
const config = loadJudgeConfig(options.config);
const out = join(root, "test-output", "calibration");
rmSync(out, { recursive: true, force: true });

/** `aa`: held to the false-fail goal; `sameSides`: the scenario's canary replaced by its baseline. */
async function series(name: string, count: number, aa: boolean, sameSides = false): Promise<SeriesCount> {
  const loaded = loadScenario(join(root, "test", "scenarios", `${name}.yaml`));
  const scenario = sameSides ? { ...loaded, variants: { baseline: {}, canary: {} } } : loaded;
  let failed = 0;
  let total = 0;
  for (let i = 1; i <= count; i++) {
    const started = Date.now();
    const r = await runAb(scenario, join(out, `${name}${sameSides ? "-aa" : ""}-${i}`), repeat, config, { progress: () => terminalProgress(process.stderr, false) });
    if (!r.comparison) {
      console.log(`${name} #${i}: a trial did not complete (${r.sides.baseline.aggregate.reasons.concat(r.sides.canary.aggregate.reasons).join("; ")}); not counted`);
      continue;
    }
    const j = r.comparison.judgement;
    total++;
    if (j.verdict !== "pass") failed++;
    const flagged = j.metrics.filter((m) => m.classification === "high" || m.classification === "low").map((m) => m.name);
    console.log(`${name} #${i}: ${j.verdict.toUpperCase()} score ${j.score === null ? "—" : j.score.toFixed(1)}${flagged.length ? ` (${flagged.join(", ")})` : ""} in ${((Date.now() - started) / 1_000).toFixed(1)}s`);
  }
  return { label: `${name}${sameSides ? " (canary = baseline)" : ""}`, aa, asked: count, total, failed };
}

const counts: SeriesCount[] = [await series("ab-steady", pairs, true)];
for (const name of bad ? options.series : []) counts.push(await series(name, bad, false));
counts.push(await series("ab-crash", options.aaCrash, true, true));
const verdict = calibrationVerdict(counts);
console.log(`\n${repeat} trial(s) a side\n${verdict.lines.join("\n")}`);
process.exit(verdict.exitCode);
