// A/B runs (`steadystate run --ab --repeat N`): the scenario's two variants run under the same load and
// fault schedule, alternating trials (baseline 1, canary 1, baseline 2, …) so that drift of the machine
// (other work, caches, thermal) falls on both sides alike; then each side is aggregated and the judge
// compares them. Layout: DIR/baseline/trial-k, DIR/canary/trial-k, DIR/compare.json (+ .md, .html by format).
// Sequential (`--sequential --max-trials N`): after each pair the sequential judge (canary/sequential.ts) says
// whether the data have decided; the run stops there, or at N pairs. compare.json then also holds `sequential`.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { VariantName } from "../scenario/schema.ts";
import type { Scenario, Target } from "../scenario/scenario.ts";
import { UsageError } from "../contracts/errors.ts";
import type { Aggregate, Trial } from "../trials/aggregate.ts";
import { assertNoTrials, trialDir } from "../trials/folder.ts";
import { endsSeries, finishTrials, runTrial, type TrialsOptions } from "./repeat.ts";
import { compareFolders, writeComparison } from "../../reports/comparison.ts";
import { judgeQueries, type JudgeConfig } from "../canary/config.ts";
import type { RangeQuery } from "../detect/query-range.ts";
import { analyseSequential, continues, type Pair, type SequentialResult } from "../canary/sequential.ts";
import type { Comparison } from "../../reports/canary.ts";

/** The scenario with one variant's target overrides applied (env merged, build/image replaced). */
export function applyVariant(s: Scenario, name: VariantName): Scenario {
  const overrides = s.variants?.[name] ?? {};
  const targets: Record<string, Target> = {};
  for (const [key, t] of Object.entries(s.targets)) {
    const o = overrides[key];
    if (!o) {
      targets[key] = t;
      continue;
    }
    const { env, build, image, buildDir, ...rest } = o;
    const merged: Target = { ...t, ...rest, env: { ...t.env, ...env } };
    if (image !== undefined) {
      delete merged.build;
      delete merged.buildDir;
      merged.image = image;
    } else if (build !== undefined) {
      delete merged.image;
      merged.build = build;
      merged.buildDir = buildDir!;
    }
    targets[key] = merged;
  }
  return { ...s, targets };
}

export interface AbResult {
  dir: string;
  sides: Record<VariantName, { aggregate: Aggregate; trials: Trial[] }>;
  /** Undefined when a trial errored or was interrupted: there is nothing fair to compare. */
  comparison: Comparison | undefined;
  /** The sequential judgement after the last pair (sequential runs that completed their pairs). */
  sequential: SequentialResult | undefined;
}

/** compare.json of a sequential run: the fixed-sample comparison of the trials run, and the sequential judgement. */
export type SequentialComparison = Comparison & { sequential: SequentialResult };

/** The scenario's variants; a scenario without them cannot run --ab (checked before anything starts, dry runs too). */
export function requireVariants(s: Scenario): NonNullable<Scenario["variants"]> {
  if (!s.variants) throw new UsageError(`${s.file}: --ab needs \`variants: { baseline: {…}, canary: {…} }\` in the scenario`);
  return s.variants;
}

/**
 * What the judge compares must exist in the scenario: a Prometheus for its queries, and the probes,
 * journeys and targets it names. Checked before anything starts (dry runs too), rather than found missing
 * after every trial.
 */
export function requireJudgeSources(s: Scenario, config: JudgeConfig): void {
  const problems: string[] = [];
  const p = s.detection?.prometheus;
  const hasPrometheus = p?.mode === "local" || (p?.mode === "external" && p.url !== null);
  const known = { probe: s.probes.map((x) => x.name), journey: s.journeys.map((x) => x.name), target: Object.keys(s.targets) };
  for (const m of config.metrics) {
    const src = m.source;
    if (src.kind === "query" && !hasPrometheus) {
      problems.push(`${m.name} is a Prometheus query and the scenario has no Prometheus to ask: give it detection.prometheus (the run's own, or the url of yours)`);
    }
    const named = src.kind === "probe" ? ["probe", src.probe] : src.kind === "journey" ? ["journey", src.journey] : src.kind === "resource" ? ["target", src.target] : undefined;
    if (named) {
      const [kind, name] = named as [keyof typeof known, string];
      if (!known[kind].includes(name)) problems.push(`${m.name}: the scenario has no ${kind} ${name} (valid: ${known[kind].join(", ") || "none"})`);
    }
  }
  if (problems.length) throw new UsageError(`${s.file}: the judge compares what this scenario cannot give:\n${problems.map((x) => `  ${x}`).join("\n")}`);
}

/** The judge's Prometheus queries as the trials evaluate them: one point per step, by default the hypothesis window. */
export function trialQueries(s: Scenario, config: JudgeConfig): RangeQuery[] {
  return judgeQueries(config).map((q) => ({ name: q.name, query: q.query, stepMs: q.stepMs ?? s.steadyState.windowMs }));
}

export interface AbOptions extends TrialsOptions {
  /** Sequential mode: `pairs` is the most pairs; the run stops earlier once the data decide. */
  sequential?: {
    /** Family-wise level (default 5%). */
    alpha?: number;
    /** Called after each pair with the judgement so far. */
    onPair?(r: SequentialResult): void;
  };
  /** Runs one trial: the real run (repeat.ts) unless a test gives another. */
  runTrial?: typeof runTrial;
}

const names = ["baseline", "canary"] as const;

/** The pairs both of whose trials ran (baseline k with canary k). */
function pairsOf(dir: string, trials: Record<VariantName, Trial[]>): Pair[] {
  const entry = (name: VariantName, t: Trial) => ({ file: join(dir, name, t.dir, "journal.json"), journal: t.journal });
  return trials.canary.map((c, i) => ({ baseline: entry("baseline", trials.baseline[i]!), canary: entry("canary", c) }));
}

/**
 * Both variants, alternating, `pairs` trials each; in sequential mode, until the sequential judge has decided
 * (at most `pairs` each). Then each side's aggregate and the comparison.
 */
export async function runAb(s: Scenario, outDir: string, pairs: number, config: JudgeConfig, opts: AbOptions): Promise<AbResult> {
  requireVariants(s);
  requireJudgeSources(s, config);
  const queries = trialQueries(s, config);
  const dir = resolve(outDir);
  assertNoTrials(dir);
  const run = opts.runTrial ?? runTrial;
  const scenarios = { baseline: applyVariant(s, "baseline"), canary: applyVariant(s, "canary") };
  const trials: Record<VariantName, Trial[]> = { baseline: [], canary: [] };
  let stopped = false;
  let sequential: SequentialResult | undefined;
  for (let k = 1; k <= pairs && !stopped; k++) {
    for (const name of names) {
      mkdirSync(join(dir, name), { recursive: true });
      const r = await run(scenarios[name], join(dir, name), k, pairs, queries.length ? { ...opts, queries } : opts, name);
      trials[name].push({ dir: trialDir(k), journal: r.journal });
      if (endsSeries(r)) {
        stopped = true;
        break;
      }
    }
    if (stopped || !opts.sequential) continue;
    sequential = analyseSequential(config, pairsOf(dir, trials), { maxPairs: pairs, ...(opts.sequential.alpha !== undefined ? { alpha: opts.sequential.alpha } : {}) });
    opts.sequential.onPair?.(sequential);
    if (!continues(sequential)) break;
  }
  const formats = opts.formats ?? s.report.formats;
  const sides = {
    baseline: { aggregate: finishTrials(scenarios.baseline, join(dir, "baseline"), trials.baseline, formats, "baseline"), trials: trials.baseline },
    canary: { aggregate: finishTrials(scenarios.canary, join(dir, "canary"), trials.canary, formats, "canary"), trials: trials.canary },
  };
  if (stopped) return { dir, sides, comparison: undefined, sequential: undefined };
  const comparison = compareFolders(join(dir, "baseline"), join(dir, "canary"), config);
  const written: Comparison | SequentialComparison = sequential ? { ...comparison, sequential } : comparison;
  writeComparison(written, dir, formats);
  return { dir, sides, comparison, sequential };
}
