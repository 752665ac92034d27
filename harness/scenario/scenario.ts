// The scenario as the run reads it: every section typed, durations in ms, paths absolute. Built by
// validate.ts from the plug-in specs; the runtimes, the run and the CLI read it.
import type { CheckSpec } from "../specs/checks/check.ts";
import type { DetectionSpec } from "../specs/detect/scenario.ts";
import type { FaultBase } from "../specs/faults/fault.ts";
import type { HealRule } from "../specs/heal/scenario.ts";
import type { JourneySpec } from "../specs/journeys/spec.ts";
import type { LoadSpec } from "../specs/load/spec.ts";
import type { HypothesisSpec } from "../specs/hypothesis.ts";
import type { ErrorBudget } from "../specs/slo/error-budget.ts";
import type { Objective } from "../specs/slo/grammar.ts";
import type { StopCondition } from "../specs/slo/stop-condition.ts";
import type { ProbeSpec, TargetOverride, TargetSpec, VariantName } from "./schema.ts";

export interface Target extends Omit<TargetSpec, "port"> {
  name: string;
  /** Container port; for a url target, the URL's port. */
  port: number;
  /** Absolute build folder, when the target is built from a Dockerfile. */
  buildDir?: string;
  /** Replicas it may reach when the healer scales it (its balancer declares that many slots). */
  maxReplicas: number;
}

export type FaultSpec = FaultBase & Record<string, unknown> & { index: number };

export interface Scenario {
  version: 1;
  name: string;
  description?: string;
  /** Absolute path of the scenario file, and its folder (relative paths resolve from there). */
  file: string;
  dir: string;
  targets: Record<string, Target>;
  load: LoadSpec;
  probes: ProbeSpec[];
  journeys: JourneySpec[];
  steadyState: HypothesisSpec;
  faults: FaultSpec[];
  slo: Objective[];
  /** Stop conditions: when one holds, the run stops its faults and fails. */
  abortWhen: StopCondition[];
  report: { formats: string[] };
  /** The availability objective's budget period, read by error_budget_burn. */
  errorBudget?: ErrorBudget;
  /** Alerting and built-in detectors (null: no detection configured). */
  detection: DetectionSpec | null;
  heal: HealRule[];
  checks: CheckSpec[];
  /** Target overrides of the two sides of an A/B run (`run --ab`). */
  variants?: Record<VariantName, Record<string, TargetOverride & { buildDir?: string }>>;
}
