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

export function renderAbPlan(s: Scenario, repeat: number, config: JudgeConfig, formats: readonly string[]): string {
  const variants = requireVariants(s);
  const sides = (["baseline", "canary"] as const).map((name) => {
    const targets = Object.entries(variants[name]);
    return `  ${name}: ${targets.length ? targets.map(([target, o]) => `${target}: ${overrideText(o)}`).join("; ") : "the scenario's targets as they are"}`;
  });
  const files = comparisonForms(formats).map((f) => COMPARISON_FILES[f]);
  const queries = trialQueries(s, config).map((q) => `${q.name} (every ${formatDuration(q.stepMs)})`);
  return [
    "",
    `A/B: baseline and canary alternate (baseline 1, canary 1, …), ${repeat} trial(s) each, then the judge compares them`,
    ...sides,
    `judge: ${config.metrics.map((m) => `${m.name}${m.critical ? " *" : ""}`).join(", ")} at ${pct(config.confidence)}, family-wise level ${pct(config.familyLevel)} (Holm); pass ≥ ${config.thresholds.pass}, fail below ${config.thresholds.marginal}, inconclusive between (exit 4)`,
    ...(queries.length ? [`queries: ${queries.join(", ")}, evaluated over each trial's load by its Prometheus before its teardown`] : []),
    `writes: baseline/, canary/, ${files.join(", ")}`,
  ].join("\n") + "\n";
}
