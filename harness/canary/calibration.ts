// `npm run calibrate` (scripts/calibrate.ts): its options, the recorded runs it reads back, and what it makes of
// them. Real A/A runs (the same service on both sides) are recorded once; resampling them (resample.ts) gives
// hundreds of A/A comparisons, whose false-fail rate is held to the goal (the judge's family-wise level), and
// the same comparisons with a perturbed canary, whose fail rate is the judge's power (reported, no goal). Every
// rate comes with its 95% Wilson score interval.
//
// The rule, chosen so that noise cannot flip it: the goal is missed (exit 1) only when the interval's lower
// bound of an A/A false-fail rate is above the goal, that is when the rate is above it with 95% confidence; a
// rate above the goal whose interval still reaches below it is a warning (exit 0). A series that could not be
// resampled (too few complete trials) measured nothing: exit 3, whatever the others say.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../contracts/errors.ts";
import type { Journal } from "../contracts/journal.ts";
import { folderJournals, readRunFolder } from "../trials/folder.ts";
import { table } from "../../reports/text-table.ts";
import type { JudgeConfig } from "./config.ts";
import { judge, type Classification } from "./judge.ts";
import { wilson } from "./proportions.ts";
import { count, emptyTally, perturbationText, resample, type Perturbation, type Tally, type Trial } from "./resample.ts";

/** The A/A scenarios recorded (test/scenarios/NAME.yaml, the canary made the baseline itself). */
export const AA_SCENARIOS = ["ab-steady", "ab-crash"] as const;
export type AaScenario = (typeof AA_SCENARIOS)[number];
/** The bad canaries that `--bad N` runs for real (test/scenarios/NAME.yaml), and what each changes. */
export const BAD_SERIES = { "ab-latency": "+30% latency", "ab-errors": "+2 points of errors", "ab-crash": "recovers about 2× slower" } as const;
export type BadSeries = keyof typeof BAD_SERIES;
const BAD_NAMES = Object.keys(BAD_SERIES) as BadSeries[];

/** The perturbations whose power is measured, each on the A/A scenario that shows it. */
export const POWER_SERIES: readonly { scenario: AaScenario; perturbation: Perturbation }[] = [
  { scenario: "ab-steady", perturbation: { kind: "latency", factor: 1.1 } },
  { scenario: "ab-steady", perturbation: { kind: "latency", factor: 1.3 } },
  { scenario: "ab-steady", perturbation: { kind: "errors", points: 0.01 } },
  { scenario: "ab-steady", perturbation: { kind: "errors", points: 0.02 } },
  { scenario: "ab-steady", perturbation: { kind: "spread", varianceFactor: 2 } },
  { scenario: "ab-crash", perturbation: { kind: "mttr", factor: 2 } },
];

/** Confidence of every rate's interval. */
export const INTERVAL_CONFIDENCE = 0.95;
/** Above this A/A inconclusive rate the judge decides too little to be useful: a warning. */
export const INCONCLUSIVE_WARNING = 0.5;
export const RULE =
  "goal missed (exit 1) when the 95% Wilson interval of an A/A false-fail rate lies wholly above the goal (its lower bound above it); a rate above the goal whose interval reaches below it is a warning";
export const MIN_COMPARISONS = 200;
const MAX_COUNT = 1_000;
const MAX_COMPARISONS = 100_000;

export interface CalibrationOptions {
  /** Trials a side recorded of each A/A scenario (in runs of `repeat` trials a side). */
  trials: number;
  /** Trials a side in each comparison, resampled or real. */
  repeat: number;
  /** Resampled comparisons per series. */
  comparisons: number;
  seed: number;
  scenarios: AaScenario[];
  /** Real A/B runs of each bad canary. */
  bad: number;
  series: BadSeries[];
  /** Recorded run folders to read instead of running containers. */
  from?: string;
  config?: string;
}

const wholeNumber = (min: number, max = MAX_COUNT) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`"${value}" is not a whole number from ${min} to ${max}`);
  return n;
};

const listOf = <T extends string>(valid: readonly T[]) => (value: string): T[] => {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(valid as readonly string[]).includes(n));
  if (unknown.length || !names.length) throw new InvalidArgumentError(`unknown ${unknown.join(", ") || "(none)"} (valid: ${valid.join(", ")})`);
  return [...new Set(names)] as T[];
};

/** The command line of the calibration; errors are CommanderErrors (printed by commander, exit code 2 by the caller). */
export function calibrationCommand(): Command {
  return new Command("calibrate")
    .description("false-fail rate (A/A), inconclusive rate and power of the canary judge, resampled from trials recorded on real containers")
    .addOption(new Option("--trials <k>", "trials a side recorded of each A/A scenario, in runs of --repeat trials a side").argParser(wholeNumber(1)).default(6))
    .addOption(new Option("--repeat <r>", "trials a side in each comparison").argParser(wholeNumber(1)).default(2))
    .addOption(new Option("--comparisons <n>", "resampled comparisons per series").argParser(wholeNumber(MIN_COMPARISONS, MAX_COMPARISONS)).default(400))
    .addOption(new Option("--seed <n>", "seed of the resampling").argParser(wholeNumber(0, 2 ** 31 - 1)).default(1))
    .addOption(new Option("--scenarios <names>", `A/A scenarios, comma-separated (${AA_SCENARIOS.join(", ")})`).argParser(listOf(AA_SCENARIOS)).default([...AA_SCENARIOS], AA_SCENARIOS.join(",")))
    .addOption(new Option("--bad <n>", "real A/B runs of each bad canary (power on real containers)").argParser(wholeNumber(0)).default(0))
    .addOption(new Option("--series <names>", `bad canaries, comma-separated (${BAD_NAMES.join(", ")})`).argParser(listOf(BAD_NAMES)).default([...BAD_NAMES], BAD_NAMES.join(",")))
    .addOption(new Option("--from <dir>", "read the run folders a calibration recorded instead of running containers").conflicts(["trials", "bad"]))
    .option("--config <judge.yaml>", "judge configuration (default: see docs/canary.md)")
    .exitOverride();
}

export function parseCalibrationArgs(argv: readonly string[], command = calibrationCommand()): CalibrationOptions {
  command.parse(argv, { from: "user" });
  const o = command.opts<CalibrationOptions>();
  if (o.from === undefined && o.trials % o.repeat) {
    command.error(`error: --trials (${o.trials}) must be a multiple of --repeat (${o.repeat}): trials are recorded in A/B runs of --repeat trials a side`, { exitCode: 2, code: "calibrate.trials" });
  }
  return o;
}

/** A recorded A/B run: SCENARIO-aa-N (the canary is the baseline itself) or SCENARIO-bad-N (a bad canary). */
export interface RecordedRun {
  name: string;
  scenario: string;
  kind: "aa" | "bad";
  baseline: Trial[];
  canary: Trial[];
}

export const runFolderName = (scenario: string, kind: RecordedRun["kind"], i: number) => `${scenario}-${kind}-${i}`;
const RUN_FOLDER = /^(.+)-(aa|bad)-(\d+)$/;

/** The trials of one side; none when the run stopped before the side ran one. */
function sideTrials(dir: string): Trial[] {
  if (!existsSync(dir)) return [];
  const has = readdirSync(dir).some((n) => /^trial-\d+$/.test(n) && existsSync(join(dir, n, "journal.json")));
  return has ? folderJournals(readRunFolder(dir)) : [];
}

/** The recorded runs in a calibration folder, in order of scenario, kind and number. Unreadable journals are UsageErrors. */
export function readRecordedRuns(dir: string): RecordedRun[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: no such folder`);
  const runs: (RecordedRun & { n: number })[] = [];
  for (const name of readdirSync(dir)) {
    const m = RUN_FOLDER.exec(name);
    if (!m || !statSync(join(dir, name)).isDirectory()) continue;
    runs.push({ name, scenario: m[1]!, kind: m[2] as RecordedRun["kind"], n: Number(m[3]), baseline: sideTrials(join(dir, name, "baseline")), canary: sideTrials(join(dir, name, "canary")) });
  }
  return runs
    .sort((a, b) => a.scenario.localeCompare(b.scenario) || a.kind.localeCompare(b.kind) || a.n - b.n)
    .map(({ n: _n, ...run }) => run);
}

/** A trial that ran to its end (an errored or interrupted one measured less: comparisons leave it out). */
export const completeTrial = (t: { journal: Journal }) => t.journal.verdict !== "error" && t.journal.verdict !== "interrupted";
/** A run whose every trial completed on both sides: it gives one real comparison. */
export const completeRun = (r: RecordedRun) => r.baseline.length > 0 && r.baseline.length === r.canary.length && [...r.baseline, ...r.canary].every(completeTrial);

export interface Rate {
  count: number;
  total: number;
  /** count / total; null when total is 0. */
  rate: number | null;
  /** 95% Wilson score interval; null when total is 0. */
  ci: [number, number] | null;
}

export function rateOf(count: number, total: number): Rate {
  return total ? { count, total, rate: count / total, ci: wilson({ count, total }, INTERVAL_CONFIDENCE) } : { count, total, rate: null, ci: null };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** "1.5% [0.7%, 3.2%]", or "—" without comparisons. */
export function rateText(r: Rate): string {
  return r.rate === null ? "—" : `${pct(r.rate)} [${pct(r.ci![0])}, ${pct(r.ci![1])}]`;
}

/** Against the goal: met (rate ≤ goal), above (rate above, interval reaching below: a warning), missed (interval wholly above). */
export type GoalState = "met" | "above" | "missed";

export function goalState(r: Rate, goal: number): GoalState | null {
  if (r.rate === null) return null;
  if (r.ci![0] > goal) return "missed";
  return r.rate > goal ? "above" : "met";
}

export interface SeriesResult {
  label: string;
  scenario: string;
  /** aa: false fails of the same service on both sides; power: fails of a changed canary. */
  kind: "aa" | "power";
  source: "resampled" | "real runs";
  perturbation: Perturbation | null;
  /** Comparisons asked for (resampled), or runs recorded (real). */
  asked: number;
  comparisons: number;
  verdicts: Tally["verdicts"];
  failRate: Rate;
  inconclusiveRate: Rate;
  /** Comparisons with at least one metric high or low, whatever the verdict: on A/A, the family-wise error. */
  flaggedRate: Rate;
  /** Only resampled A/A series are held to the goal. */
  goal: number | null;
  state: GoalState | null;
  /** Metric name → classification → comparisons. */
  metrics: Record<string, Record<Classification, number>>;
}

function seriesOf(base: Pick<SeriesResult, "label" | "scenario" | "kind" | "source" | "perturbation" | "asked">, tally: Tally, goal: number | null): SeriesResult {
  const failRate = rateOf(tally.verdicts.fail, tally.comparisons);
  return {
    ...base,
    comparisons: tally.comparisons,
    verdicts: tally.verdicts,
    failRate,
    inconclusiveRate: rateOf(tally.verdicts.inconclusive, tally.comparisons),
    flaggedRate: rateOf(tally.flagged, tally.comparisons),
    goal,
    state: goal === null ? null : goalState(failRate, goal),
    metrics: tally.metrics,
  };
}

/** The real comparisons of recorded runs, judged with `config`; runs with a trial cut short are not counted. */
function realTally(config: JudgeConfig, runs: readonly RecordedRun[]): Tally {
  const t = emptyTally(config);
  for (const r of runs.filter(completeRun)) count(t, judge(config, { baseline: { label: "baseline", journals: r.baseline }, canary: { label: "canary", journals: r.canary } }));
  return t;
}

export interface AnalysisOptions {
  repeat: number;
  comparisons: number;
  seed: number;
  scenarios: readonly AaScenario[];
  series: readonly BadSeries[];
}

export interface Recorded {
  scenario: string;
  runs: number;
  /** Runs whose every trial completed (each a real comparison). */
  completeRuns: number;
  /** Complete trials pooled for resampling (both sides). */
  trials: number;
  /** Trials left out: errored or interrupted. */
  leftOut: number;
}

export interface CalibrationResult {
  schemaVersion: 1;
  kind: "calibration";
  /** The false-fail goal: the judge's family-wise level. */
  goal: number;
  intervalConfidence: number;
  rule: string;
  repeat: number;
  comparisons: number;
  seed: number;
  recorded: Recorded[];
  series: SeriesResult[];
  verdict: CalibrationVerdict;
  config: JudgeConfig;
}

/** Every series of the calibration from the recorded runs: resampled A/A and power, and the real runs' own comparisons. */
export function analyse(runs: readonly RecordedRun[], o: AnalysisOptions, config: JudgeConfig): CalibrationResult {
  const goal = config.familyLevel;
  const series: SeriesResult[] = [];
  const recorded: Recorded[] = [];
  for (const scenario of o.scenarios) {
    const aa = runs.filter((r) => r.kind === "aa" && r.scenario === scenario);
    const all = aa.flatMap((r) => [...r.baseline, ...r.canary]);
    const pool = all.filter(completeTrial);
    recorded.push({ scenario, runs: aa.length, completeRuns: aa.filter(completeRun).length, trials: pool.length, leftOut: all.length - pool.length });
    const resampled = (perturbation?: Perturbation) => resample({ config, trials: pool, repeat: o.repeat, comparisons: o.comparisons, seed: o.seed, ...(perturbation ? { perturbation } : {}) });
    const common = { scenario, perturbation: null };
    series.push(seriesOf({ ...common, label: `A/A ${scenario}`, kind: "aa", source: "resampled", asked: o.comparisons }, resampled(), goal));
    series.push(seriesOf({ ...common, label: `A/A ${scenario}`, kind: "aa", source: "real runs", asked: aa.length }, realTally(config, aa), null));
    for (const p of POWER_SERIES.filter((s) => s.scenario === scenario)) {
      series.push(seriesOf({ scenario, label: `${perturbationText(p.perturbation)} (${scenario})`, kind: "power", source: "resampled", perturbation: p.perturbation, asked: o.comparisons }, resampled(p.perturbation), null));
    }
  }
  for (const name of o.series) {
    const bad = runs.filter((r) => r.kind === "bad" && r.scenario === name);
    if (bad.length) series.push(seriesOf({ scenario: name, label: `${name}: ${BAD_SERIES[name]}`, kind: "power", source: "real runs", perturbation: null, asked: bad.length }, realTally(config, bad), null));
  }
  return { schemaVersion: 1, kind: "calibration", goal, intervalConfidence: INTERVAL_CONFIDENCE, rule: RULE, repeat: o.repeat, comparisons: o.comparisons, seed: o.seed, recorded, series, verdict: calibrationVerdict(series, goal, o.repeat), config };
}

export interface CalibrationVerdict {
  /** 0 goal met, 1 missed, 3 nothing measured. */
  exitCode: number;
  /** Warnings, before the closing line. */
  warnings: string[];
  /** One line: the verdict and why. */
  closing: string;
}

const held = (s: SeriesResult) => `${s.scenario} ${rateText(s.failRate)}`;

/** The verdict over the series: 3 when a resampled series measured nothing, 1 when an A/A rate surely misses the goal, else 0. */
export function calibrationVerdict(series: readonly SeriesResult[], goal: number, repeat: number): CalibrationVerdict {
  const warnings: string[] = [];
  const aa = series.filter((s) => s.goal !== null);
  const empty = series.filter((s) => s.source === "resampled" && !s.comparisons);
  for (const s of aa.filter((x) => x.state === "above")) {
    warnings.push(`warning: the A/A false-fail rate of ${held(s)} is above ${pct(goal)}, but not surely (the interval reaches below it): record more trials`);
  }
  for (const s of aa.filter((x) => x.inconclusiveRate.rate !== null && x.inconclusiveRate.rate > INCONCLUSIVE_WARNING)) {
    warnings.push(`warning: ${pct(s.inconclusiveRate.rate!)} of the A/A comparisons of ${s.scenario} are inconclusive: see the metrics below`);
  }
  if (empty.length) {
    const scenarios = [...new Set(empty.map((s) => s.scenario))];
    return { exitCode: 3, warnings, closing: `nothing measured for ${scenarios.join(", ")}: fewer than ${2 * repeat} complete trials recorded (${repeat} a side, no trial on both)` };
  }
  const missed = aa.filter((s) => s.state === "missed");
  if (missed.length) return { exitCode: 1, warnings, closing: `goal missed: A/A false-fail rate ${missed.map(held).join(", ")} above ${pct(goal)}, the whole interval` };
  const above = aa.some((s) => s.state === "above");
  return { exitCode: 0, warnings, closing: `goal ${above ? "met, with a warning" : "met"}: A/A false-fail rate ${aa.map(held).join(", ")}; goal ≤ ${pct(goal)}` };
}

const goalText = (s: SeriesResult) => (s.goal === null ? (s.kind === "aa" ? "not held" : "—") : `≤ ${pct(s.goal)}: ${s.state ?? "nothing measured"}`);

/** One row per series: what it measures, comparisons, fails, inconclusive, both rates with their intervals, the goal. */
export function seriesTable(series: readonly SeriesResult[]): string {
  const head = ["series", "source", "comparisons", "fail", "inconclusive", "fail rate (95% CI)", "inconclusive rate (95% CI)", "goal"];
  const rows = series.map((s) => [
    `${s.kind === "aa" ? "false fails" : "power"}: ${s.label}`,
    s.source,
    s.source === "real runs" ? `${s.comparisons} of ${s.asked} run(s)` : String(s.comparisons),
    String(s.verdicts.fail),
    String(s.verdicts.inconclusive),
    rateText(s.failRate),
    rateText(s.inconclusiveRate),
    goalText(s),
  ]);
  return table(head, rows);
}

/** Per series, the metrics that were not always pass or no data: how often each was high, low or inconclusive. */
export function metricTable(series: readonly SeriesResult[]): string {
  const head = ["series", "source", "metric", "pass", "high", "low", "inconclusive", "nodata"];
  const rows = series.flatMap((s) =>
    Object.entries(s.metrics)
      .filter(([, c]) => c.high + c.low + c.inconclusive > 0)
      .map(([name, c]) => [s.label, s.source, name, String(c.pass), String(c.high), String(c.low), String(c.inconclusive), String(c.nodata)]),
  );
  return rows.length ? table(head, rows) : "(none)";
}

/**
 * Per A/A series, the comparisons in which some metric was high or low (whatever the verdict): what the judge's
 * family-wise level bounds, beside the verdicts' false-fail rate.
 */
export function familyLines(series: readonly SeriesResult[], familyLevel: number): string[] {
  return series
    .filter((s) => s.kind === "aa" && s.comparisons)
    .map((s) => `${s.label} (${s.source}): a metric high or low in ${s.flaggedRate.count} of ${s.comparisons} comparisons, ${rateText(s.flaggedRate)} (family-wise level ${pct(familyLevel)})`);
}
