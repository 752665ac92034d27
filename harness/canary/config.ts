// The judge's configuration (`steadystate compare --config judge.yaml`): which metrics are compared, in which
// phase, which direction is bad, how large a change is tolerated, which are critical, and the score
// thresholds. Without a file the defaults below apply; a file replaces the parts it gives.
import { z } from "zod";
import type { Issue } from "../contracts/errors.ts";
import { fromZod } from "../contracts/issues.ts";
import { obj, ratio } from "../specs/fields.ts";
import { readLocatedYaml, type Validate } from "../scenario/parse.ts";

/** Per-window metrics of the load (compared with Mann-Whitney on one value per window). */
export const WINDOW_METRICS = ["p50", "p90", "p95", "p99", "max", "mean", "throughput"] as const;
/** Compared as one proportion per side (failed / all requests of the phase). */
export const PROPORTION_METRICS = ["error_rate"] as const;
/** One value per fault per trial (compared with Mann-Whitney). */
export const FAULT_METRICS = ["mttr", "mttd"] as const;
export const JUDGE_METRICS = [...WINDOW_METRICS, ...PROPORTION_METRICS, ...FAULT_METRICS] as const;
export type JudgeMetric = (typeof JUDGE_METRICS)[number];

export const PHASES = ["steady", "faults"] as const;
export type Phase = (typeof PHASES)[number];
export const DIRECTIONS = ["increase", "decrease", "either"] as const;
export type Direction = (typeof DIRECTIONS)[number];

const metricSchema = obj({
  metric: z.enum(JUDGE_METRICS),
  phase: z.enum(PHASES).optional(),
  /** Which change is bad: `increase` (latency, errors, MTTR), `decrease` (throughput) or `either`. */
  direction: z.enum(DIRECTIONS).optional(),
  /**
   * Effect size tolerated even when significant: for Mann-Whitney metrics the change of the mean
   * (10% = canary mean up to 1.1 × baseline), for error_rate the difference in percentage points.
   */
  tolerance: ratio.default(0.1),
  critical: z.boolean().default(false),
});

export const judgeSchema = obj({
  confidence: ratio.refine((c) => c >= 0.5 && c < 1, { message: "must be at least 50% and below 100%" }).default(0.98),
  /** Kayenta's tolerance: the interval must clear 0 by this fraction of the shift. */
  margin: z.number().min(0).max(1).default(0.25),
  thresholds: obj({ pass: z.number().min(0).max(100).default(95), marginal: z.number().min(0).max(100).default(75) }).default({ pass: 95, marginal: 75 }),
  /** Exit code of a marginal verdict: `fail` (1) or `pass` (0). */
  marginal: z.enum(["fail", "pass"]).default("fail"),
  metrics: z.array(z.unknown()).min(1).optional(),
});

export interface MetricSpec {
  /** Row name: metric and phase, e.g. "p99 (steady)". */
  name: string;
  metric: JudgeMetric;
  phase: Phase | null;
  direction: Direction;
  tolerance: number;
  critical: boolean;
}

export interface JudgeConfig {
  confidence: number;
  margin: number;
  thresholds: { pass: number; marginal: number };
  marginal: "fail" | "pass";
  metrics: MetricSpec[];
}

type RawMetric = z.input<typeof metricSchema>;

/**
 * The defaults. Latency may grow 10% in steady state (20% under faults, where it is noisier); throughput may
 * drop 10%; errors may grow by 1 point in steady state and 5 points under faults, where the share of failed
 * requests is set by the length of the outage, and Docker's restart timing alone moves that length by a few
 * hundred ms from trial to trial; MTTR and MTTD may grow 20%. Errors and MTTR are critical: users see them.
 */
export const DEFAULT_METRICS: RawMetric[] = [
  { metric: "p50", phase: "steady", tolerance: "10%" },
  { metric: "p99", phase: "steady", tolerance: "10%" },
  { metric: "p99", phase: "faults", tolerance: "20%" },
  { metric: "throughput", phase: "steady", tolerance: "10%" },
  { metric: "error_rate", phase: "steady", tolerance: "1%", critical: true },
  { metric: "error_rate", phase: "faults", tolerance: "5%", critical: true },
  { metric: "mttr", tolerance: "20%", critical: true },
  { metric: "mttd", tolerance: "20%" },
];

const defaultDirection = (m: JudgeMetric): Direction => (m === "throughput" ? "decrease" : "increase");

const validateJudge: Validate<JudgeConfig> = (raw) => {
  const issues: Issue[] = [];
  const top = judgeSchema.safeParse(raw ?? {}, { reportInput: true });
  if (!top.success) issues.push(...fromZod(top.error));
  const c = top.success ? top.data : undefined;
  if (c && c.thresholds.marginal > c.thresholds.pass) {
    issues.push({ path: ["thresholds", "marginal"], message: `must not be above pass (${c.thresholds.pass})` });
  }
  const rawMetrics = Array.isArray((raw as { metrics?: unknown } | undefined)?.metrics) ? ((raw as { metrics: unknown[] }).metrics) : DEFAULT_METRICS;
  const metrics: MetricSpec[] = [];
  rawMetrics.forEach((value, i) => {
    const r = metricSchema.safeParse(value, { reportInput: true });
    if (!r.success) return void issues.push(...fromZod(r.error, ["metrics", i]));
    const m = r.data;
    const perWindow = !(FAULT_METRICS as readonly string[]).includes(m.metric);
    if (!perWindow && m.phase) return void issues.push({ path: ["metrics", i, "phase"], message: `${m.metric} has one value per fault: remove phase` });
    const phase = perWindow ? (m.phase ?? "steady") : null;
    const name = phase ? `${m.metric} (${phase})` : m.metric;
    if (metrics.some((x) => x.name === name)) return void issues.push({ path: ["metrics", i], message: `${name} is compared twice` });
    metrics.push({ name, metric: m.metric, phase, direction: m.direction ?? defaultDirection(m.metric), tolerance: m.tolerance, critical: m.critical });
  });
  if (issues.length || !c) return { issues };
  return { issues, value: { confidence: c.confidence, margin: c.margin, thresholds: c.thresholds, marginal: c.marginal, metrics } };
};

export function loadJudgeConfig(path: string | undefined): JudgeConfig {
  if (path === undefined) return validateJudge(undefined, "").value!;
  return readLocatedYaml(path, "judge configuration", validateJudge);
}
