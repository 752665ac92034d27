// What `steadystate run --ab --dry-run` adds to the plan: how the sides alternate, what each variant changes
// in the targets, which judge compares them and which files the comparison writes. Env values are not
// shown (target env may hold secrets; only the names of the variables a variant sets).
import type { VariantName } from "../scenario/schema.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { requireVariants, trialQueries } from "../run/ab.ts";
import { formatDuration } from "../contracts/units.ts";
import { COMPARISON_FILES, comparisonForms } from "../../reports/comparison.ts";
import type { JudgeConfig } from "../canary/config.ts";
import { pct } from "../canary/judge.ts";
import { marginText as valueMarginText } from "../canary/values.ts";
import { firstBoundedPair, MIN_PAIRS, notSequential, plannedPair, practicalMargin, SEQUENTIAL_ALPHA, SEQUENTIAL_EXIT_CODES } from "../canary/sequential.ts";

type Override = NonNullable<Scenario["variants"]>[VariantName][string];

function overrideText(o: Override): string {
  const parts = [
    ...(o.image !== undefined ? [`image ${o.image}`] : []),
    ...(o.build !== undefined ? [`build ${o.build}`] : []),
    ...(o.command !== undefined ? [`command ${JSON.stringify(o.command)}`] : []),
    ...(o.replicas !== undefined ? [`${o.replicas} replica(s)`] : []),
    ...(o.restart !== undefined ? [`restart ${o.restart}`] : []),
    ...(o.env && Object.keys(o.env).length ? [`env ${Object.keys(o.env).sort().join(", ")} (values not shown)`] : []),
  ];
  return parts.join(", ") || "nothing";
}

/** A metric's practical margin as written in judge.yaml: `+10%`, `+1.00 pts`, `max(+10%, +1ms)`. */
function marginText(m: JudgeConfig["metrics"][number]): string {
  const { margin, floor } = practicalMargin(m);
  const floorText = valueMarginText(m.unit, m.direction, floor);
  if (margin === 0) return floorText;
  const rel = `${m.direction === "either" ? "±" : m.direction === "increase" ? "+" : "-"}${Math.round(margin * 1000) / 10}%`;
  return floor > 0 ? `max(${rel}, ${floorText})` : rel;
}

function sequentialPlan(pairs: number, config: JudgeConfig, alpha: number): string[] {
  const n = Math.max(1, config.metrics.filter((m) => !notSequential(m)).length);
  const tails = config.metrics.filter(notSequential).map((m) => m.name);
  return [
    `A/B, sequential: baseline and canary alternate in pairs (baseline 1, canary 1, …) until the data decide, at most ${pairs} pairs`,
    `  after each pair from pair ${MIN_PAIRS}, each metric's confidence sequence of canary − baseline (tuned for pair ${plannedPair(pairs)}) passes inside its margin or fails beyond it`,
    `  α ${pct(alpha)} split over the metrics the first pair measures (at most ${n}: ≥ ${pct(alpha / n)} each); bounded from pair ${firstBoundedPair(pairs, alpha)} (one metric) to ${firstBoundedPair(pairs, alpha / n)} (${n})`,
    `  stops when every metric has decided or a critical metric fails; exit ${SEQUENTIAL_EXIT_CODES.pass} pass, ${SEQUENTIAL_EXIT_CODES.fail} fail, ${SEQUENTIAL_EXIT_CODES.inconclusive} inconclusive`,
    `  margins: ${config.metrics.filter((m) => !notSequential(m)).map((m) => `${m.name}${m.critical ? " *" : ""} ${marginText(m)}`).join(", ")}`,
    ...(tails.length ? [`  not sequential: ${tails.join(", ")} (a tail has no value of one trial; the fixed-sample judge compares it)`] : []),
  ];
}

/** The plan of an A/B run: `pairs` trials a side (the most, when `sequential` is given). */
export function renderAbPlan(s: Scenario, pairs: number, config: JudgeConfig, formats: readonly string[], sequential?: { alpha?: number }): string {
  const variants = requireVariants(s);
  const sides = (["baseline", "canary"] as const).map((name) => {
    const targets = Object.entries(variants[name]);
    return `  ${name}: ${targets.length ? targets.map(([target, o]) => `${target}: ${overrideText(o)}`).join("; ") : "the scenario's targets as they are"}`;
  });
  const files = comparisonForms(formats).map((f) => COMPARISON_FILES[f]);
  const queries = trialQueries(s, config).map((q) => `${q.name} (every ${formatDuration(q.stepMs)})`);
  const head = sequential
    ? sequentialPlan(pairs, config, sequential.alpha ?? SEQUENTIAL_ALPHA)
    : [`A/B: baseline and canary alternate (baseline 1, canary 1, …), ${pairs} trial(s) each, then the judge compares them`];
  return [
    "",
    ...head,
    ...sides,
    `judge${sequential ? " (fixed sample, on the trials run)" : ""}: ${config.metrics.map((m) => `${m.name}${m.critical ? " *" : ""}`).join(", ")} at ${pct(config.confidence)}, family-wise level ${pct(config.familyLevel)} (Holm); pass ≥ ${config.thresholds.pass}, fail below ${config.thresholds.marginal}, inconclusive between (exit 4)`,
    ...(queries.length ? [`queries: ${queries.join(", ")}, evaluated over each trial's load by its Prometheus before its teardown`] : []),
    `writes: baseline/, canary/, ${files.join(", ")}${sequential ? " (with the sequential judgement in compare.json)" : ""}`,
  ].join("\n") + "\n";
}
