// `npm run calibrate` (scripts/calibrate.ts): its options, and what its counts mean. The A/A series (the
// canary is the baseline itself) give the judge's false-fail rate, held to GOAL; the bad-canary series give
// its detection power, which is reported only. A series that completed no comparison measured nothing: the
// run must not pass on it, whatever the other series say.
import { Command, InvalidArgumentError, Option } from "commander";

export const FALSE_FAIL_GOAL = 0.05;
/** The bad canaries of the calibration tests (test/scenarios/NAME.yaml). */
export const BAD_SERIES = ["ab-latency", "ab-errors", "ab-crash"] as const;
const MAX_COUNT = 1_000;

export interface CalibrationOptions {
  /** A/A comparisons of ab-steady. */
  pairs: number;
  /** Trials a side in each comparison. */
  repeat: number;
  /** Comparisons of each bad canary. */
  bad: number;
  series: string[];
  /** A/A comparisons of ab-crash (its canary made the baseline itself). */
  aaCrash: number;
  config?: string;
}

const wholeNumber = (min: number) => (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > MAX_COUNT) throw new InvalidArgumentError(`"${value}" is not a whole number from ${min} to ${MAX_COUNT}`);
  return n;
};

const seriesList = (value: string): string[] => {
  const names = value.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(BAD_SERIES as readonly string[]).includes(n));
  if (unknown.length || !names.length) throw new InvalidArgumentError(`unknown series ${unknown.join(", ") || "(none)"} (valid: ${BAD_SERIES.join(", ")})`);
  return names;
};

/** The command line of the calibration; errors are CommanderErrors (printed by commander, exit code 2 by the caller). */
export function calibrationCommand(): Command {
  return new Command("calibrate")
    .description("false-fail rate (A/A) and detection power (bad canaries) of the canary judge, on real containers")
    .addOption(new Option("--pairs <n>", "A/A comparisons of ab-steady").argParser(wholeNumber(0)).default(20))
    .addOption(new Option("--repeat <n>", "trials a side in each comparison").argParser(wholeNumber(1)).default(2))
    .addOption(new Option("--bad <n>", "comparisons of each bad canary (detection power)").argParser(wholeNumber(0)).default(0))
    .addOption(new Option("--series <names>", `bad canaries, comma-separated (${BAD_SERIES.join(", ")})`).argParser(seriesList).default([...BAD_SERIES], BAD_SERIES.join(",")))
    .addOption(new Option("--aa-crash <n>", "A/A comparisons of ab-crash").argParser(wholeNumber(0)).default(0))
    .option("--config <judge.yaml>", "judge configuration (default: see docs/canary.md)")
    .exitOverride();
}

export function parseCalibrationArgs(argv: readonly string[], command = calibrationCommand()): CalibrationOptions {
  command.parse(argv, { from: "user" });
  const o = command.opts<CalibrationOptions>();
  if (!o.pairs && !o.bad && !o.aaCrash) {
    command.error("error: nothing to measure: give --pairs, --bad or --aa-crash above 0", { exitCode: 2, code: "calibrate.nothing" });
  }
  return o;
}

export interface SeriesCount {
  label: string;
  /** A/A series are held to the false-fail goal. */
  aa: boolean;
  /** Comparisons asked for. */
  asked: number;
  /** Comparisons that completed (a trial cut short is not counted). */
  total: number;
  /** Completed comparisons whose verdict was not pass. */
  failed: number;
}

/** "3/20 = 15.0%", or why there is no rate. */
export function rateText(s: SeriesCount): string {
  if (!s.total) return `no comparison completed (of ${s.asked})`;
  return `${s.failed}/${s.total} = ${((100 * s.failed) / s.total).toFixed(1)}%`;
}

/** One line per series asked for, then the exit code: 3 when one measured nothing, 1 when an A/A rate misses the goal. */
export function calibrationVerdict(series: readonly SeriesCount[]): { lines: string[]; exitCode: number } {
  const asked = series.filter((s) => s.asked > 0);
  const lines = asked.map((s) => `${s.aa ? "A/A false-fail rate" : "detection power"}, ${s.label}: ${rateText(s)}${s.aa ? ` (goal ≤ ${FALSE_FAIL_GOAL * 100}%)` : ""}`);
  const empty = asked.filter((s) => !s.total);
  const missed = asked.filter((s) => s.aa && s.total && s.failed / s.total > FALSE_FAIL_GOAL);
  if (empty.length) lines.push(`nothing measured for ${empty.map((s) => s.label).join(", ")}: every comparison had a trial that did not complete`);
  if (missed.length) lines.push(`false-fail rate above the goal: ${missed.map((s) => s.label).join(", ")}`);
  return { lines, exitCode: empty.length ? 3 : missed.length ? 1 : 0 };
}
