// `npm run calibrate`: how often the canary judge fails a canary that is the baseline itself (A/A), on real
// containers, and (with --bad N) how often it catches the three bad canaries of the calibration tests.
//   npm run calibrate                      20 A/A comparisons, 2 trials a side each
//   npm run calibrate -- --pairs 10 --repeat 1 --bad 5 --aa-crash 5
//   npm run calibrate -- --pairs 0 --bad 5 --series ab-latency,ab-errors
// (--aa-crash N: N more A/A comparisons of the crash scenario, its canary made the baseline itself)
// Prints one line per comparison, then the false-fail rate (goal ≤ 5 %) and the detection power; exits 1
// when the false-fail rate is above the goal. Run folders are kept under test-output/calibration/.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runAb } from "../harness/canary/ab.ts";
import { loadJudgeConfig } from "../harness/canary/config.ts";
import { terminalProgress } from "../harness/cli/progress.ts";
import { loadScenario } from "../harness/scenario/parse.ts";

const GOAL = 0.05;
const root = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    pairs: { type: "string", default: "20" },
    repeat: { type: "string", default: "2" },
    bad: { type: "string", default: "0" },
    "aa-crash": { type: "string", default: "0" },
    series: { type: "string", default: "ab-latency,ab-errors,ab-crash" },
    config: { type: "string" },
  },
});
const pairs = Number(values.pairs);
const repeat = Number(values.repeat);
const bad = Number(values.bad);
const config = loadJudgeConfig(values.config);
const out = join(root, "test-output", "calibration");
rmSync(out, { recursive: true, force: true });

async function series(name: string, count: number, aa = false): Promise<{ failed: number; total: number }> {
  const loaded = loadScenario(join(root, "test", "scenarios", `${name}.yaml`));
  const scenario = aa ? { ...loaded, variants: { baseline: {}, canary: {} } } : loaded;
  let failed = 0;
  let total = 0;
  for (let i = 1; i <= count; i++) {
    const started = Date.now();
    const r = await runAb(scenario, join(out, `${name}${aa ? "-aa" : ""}-${i}`), repeat, config, { progress: () => terminalProgress(process.stderr, false) });
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
  return { failed, total };
}

const aa = await series("ab-steady", pairs);
const rate = aa.total ? aa.failed / aa.total : 0;
if (aa.total) console.log(`\nA/A false-fail rate: ${aa.failed}/${aa.total} = ${(rate * 100).toFixed(1)}% (goal ≤ ${GOAL * 100}%), ${repeat} trial(s) a side`);
for (const name of bad ? values.series.split(",") : []) {
  const b = await series(name, bad);
  console.log(`detection power, ${name}: ${b.failed}/${b.total} = ${((b.failed / b.total) * 100).toFixed(1)}%\n`);
}
const aaCrash = Number(values["aa-crash"]);
if (aaCrash) {
  const c = await series("ab-crash", aaCrash, true);
  console.log(`A/A false-fail rate with crashes: ${c.failed}/${c.total} = ${((c.failed / c.total) * 100).toFixed(1)}%`);
}
process.exit(rate <= GOAL ? 0 : 1);
