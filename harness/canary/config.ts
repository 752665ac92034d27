// The judge's configuration (`steadystate compare --config judge.yaml`): which metrics are compared, in which
// phase, which direction is bad, how large a change matters (the practical margin), which are critical, how
// metrics and groups weigh, and the levels. Without a file the defaults below apply; a file replaces the
// parts it gives.
import { z } from "zod";
import type { Issue } from "../contracts/errors.ts";
import { fromZod } from "../contracts/issues.ts";
import { parseDuration } from "../contracts/units.ts";
import { obj, ratio } from "../specs/fields.ts";
import { readLocatedYaml, type Validate } from "../scenario/parse.ts";

/** Per-window metrics of the load (compared with Mann-Whitney on one value per window). */
export const LATENCY_METRICS = ["p50", "p90", "p95", "p99", "max", "mean"] as const;
export const WINDOW_METRICS = [...LATENCY_METRICS, "throughput"] as const;
/**
 * The share of requests slower than the baseline's p95 / p99 of the phase (from the windows' latency
 * histograms), compared as proportions: a canary with wider tails at the same median has more of them.
 */
export const TAIL_METRICS = ["tail_p95", "tail_p99"] as const;
/** Compared as one proportion per side: failed / all requests of the phase, or the tails' shares. */
export const PROPORTION_METRICS = ["error_rate", ...TAIL_METRICS] as const;
/** One value per fault per trial (compared with Mann-Whitney). */
export const FAULT_METRICS = ["mttr", "mttd"] as const;
export const JUDGE_METRICS = [...WINDOW_METRICS, ...PROPORTION_METRICS, ...FAULT_METRICS] as const;
export type JudgeMetric = (typeof JUDGE_METRICS)[number];

export const PHASES = ["steady", "faults"] as const;
export type Phase = (typeof PHASES)[number];
export const DIRECTIONS = ["increase", "decrease", "either"] as const;
export type Direction = (typeof DIRECTIONS)[number];
/** What a metric's values are, which decides how its `floor` is written. */
export type MetricUnit = "duration" | "rate" | "share";

export const unitOf = (m: JudgeMetric): MetricUnit =>
  (PROPORTION_METRICS as readonly string[]).includes(m) ? "share" : m === "throughput" ? "rate" : "duration";

const FLOOR_HINT: Record<MetricUnit, string> = {
  duration: 'a duration like "2ms" or "1.5s"',
  rate: "a number of requests per second like 5",
  share: 'percentage points like "1%"',
};

/** A margin's absolute floor in the metric's unit (ms, per second, or a share in [0, 1]); undefined when unreadable. */
function parseFloor(v: unknown, unit: MetricUnit): number | undefined {
  if (unit === "duration") return typeof v === "string" || typeof v === "number" ? parseDuration(v, true) : undefined;
  if (unit === "rate") return typeof v === "number" && v >= 0 && Number.isFinite(v) ? v : undefined;
  const r = ratio.safeParse(v);
  return r.success ? r.data : undefined;
}

const metricSchema = obj({
  metric: z.enum(JUDGE_METRICS),
  phase: z.enum(PHASES).optional(),
  /** Which change is bad: `increase` (latency, errors, MTTR), `decrease` (throughput) or `either`. */
  direction: z.enum(DIRECTIONS).optional(),
  /** The practical margin relative to the baseline's value: a change within it does not matter. */
  margin: ratio.optional(),
  /** The margin's absolute floor, in the metric's unit (`p99 within 5% or 2ms`). */
  floor: z.unknown().optional(),
  /** Tail metrics: a request counts when slower than the baseline's quantile by more than this. */
  above: ratio.optional(),
  critical: z.boolean().default(false),
  weight: z.number().positive().finite().default(1),
  group: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/, "must be lowercase letters, digits, _ and -, starting with a letter").optional(),
});

const percentScore = z.number().min(0).max(100);

export const judgeSchema = obj({
  /** Confidence of each metric's interval. */
  confidence: ratio.refine((c) => c >= 0.5 && c < 1, { message: "must be at least 50% and below 100%" }).default(0.95),
  /** Family-wise level: Holm's method keeps the chance that any metric of an A/A pair fails at or below it. */
  familyLevel: ratio.refine((a) => a > 0 && a <= 0.5, { message: "must be above 0% and at most 50%" }).default(0.05),
  /** Mann-Whitney's exact distribution where R's wilcox.test would use it (small samples without ties), or never. */
  exact: z.enum(["auto", "never"]).default("auto"),
  thresholds: obj({ pass: percentScore.default(95), marginal: percentScore.default(75) }).default({ pass: 95, marginal: 75 }),
  /** Kayenta's group weights; every metric's `group` must be one of them when given. */
  groups: z.record(z.string(), z.number().positive().finite()).optional(),
  metrics: z.array(z.unknown()).min(1).optional(),
});

export interface MetricSpec {
  /** Row name: metric and phase, e.g. "p99 (steady)". */
  name: string;
  metric: JudgeMetric;
  phase: Phase | null;
  direction: Direction;
  /** Relative margin: a change within `margin` × |baseline value| does not matter. */
  margin: number;
  /** Absolute floor of the margin, in the metric's unit (ms, per second, share). */
  floor: number;
  /** Tail metrics: the threshold is the baseline's quantile × (1 + above); 0 for other metrics. */
  above: number;
  critical: boolean;
  weight: number;
  group: string;
}

export interface JudgeConfig {
  confidence: number;
  familyLevel: number;
  exact: "auto" | "never";
  thresholds: { pass: number; marginal: number };
  /** Group weights; without `groups` every group weighs 1. */
  groups: Record<string, number>;
  metrics: MetricSpec[];
}

type RawMetric = z.input<typeof metricSchema>;

/**
 * The defaults. Latency may grow 10% in steady state (20% under faults, where it is noisier), with a floor of
 * 1 ms so that a 1 ms step of a fast service is not a regression; the share of requests more than 10% slower
 * than the baseline's p95 may grow by 2.5 points, and than its p99 by 0.5 points (the 10% keeps a shift the
 * latency margins allow from counting as a wider tail): a normal distribution twice as wide at the same
 * median puts about 4 and 1.4 points more there; throughput may drop 10%; errors may grow by
 * 1 point in steady state and 5 points under faults, where the share of failed requests is set by the length
 * of the outage, and Docker's restart timing alone moves that length by a few hundred ms from trial to
 * trial; MTTR and MTTD may grow 20% (at least 500 ms, Docker's restart jitter). Errors and MTTR are critical:
 * users see them.
 */
export const DEFAULT_METRICS: RawMetric[] = [
  { metric: "p50", phase: "steady", margin: "10%", floor: "1ms" },
  { metric: "p99", phase: "steady", margin: "10%", floor: "1ms" },
  { metric: "p99", phase: "faults", margin: "20%", floor: "1ms" },
  { metric: "tail_p95", phase: "steady", floor: "2.5%" },
  { metric: "tail_p99", phase: "steady", floor: "0.5%" },
  { metric: "throughput", phase: "steady", margin: "10%" },
  { metric: "error_rate", phase: "steady", floor: "1%", critical: true },
  { metric: "error_rate", phase: "faults", floor: "5%", critical: true },
  { metric: "mttr", margin: "20%", floor: "500ms", critical: true },
  { metric: "mttd", margin: "20%", floor: "500ms" },
];

/** Without groups every metric is in this one, and the score is the weighted share of metrics that passed. */
export const DEFAULT_GROUP = "all";

const defaultDirection = (m: JudgeMetric): Direction => (m === "throughput" ? "decrease" : "increase");
/** Proportions are judged by points (the floor); the others relative to the baseline. */
const defaultMargin = (m: JudgeMetric): number => (unitOf(m) === "share" ? 0 : 0.1);

function validateMetric(value: unknown, i: number, issues: Issue[]): MetricSpec | undefined {
  if (value && typeof value === "object" && "tolerance" in value) return void issues.push({ path: ["metrics", i, "tolerance"], message: "is now `margin` (relative to the baseline) and `floor` (absolute)" });
  const r = metricSchema.safeParse(value, { reportInput: true });
  if (!r.success) return void issues.push(...fromZod(r.error, ["metrics", i]));
  const m = r.data;
  const perWindow = !(FAULT_METRICS as readonly string[]).includes(m.metric);
  if (!perWindow && m.phase) return void issues.push({ path: ["metrics", i, "phase"], message: `${m.metric} has one value per fault: remove phase` });
  const unit = unitOf(m.metric);
  const floor = m.floor === undefined ? 0 : parseFloor(m.floor, unit);
  if (floor === undefined) return void issues.push({ path: ["metrics", i, "floor"], message: `${JSON.stringify(m.floor)} is not ${FLOOR_HINT[unit]}` });
  const tail = (TAIL_METRICS as readonly string[]).includes(m.metric);
  if (m.above !== undefined && !tail) return void issues.push({ path: ["metrics", i, "above"], message: `is for ${TAIL_METRICS.join(" and ")} only` });
  const margin = m.margin ?? defaultMargin(m.metric);
  if (margin === 0 && floor === 0) return void issues.push({ path: ["metrics", i], message: "has no margin: give `margin` (relative) or `floor` (absolute) above 0, or every change would matter" });
  const phase = perWindow ? (m.phase ?? "steady") : null;
  const name = phase ? `${m.metric} (${phase})` : m.metric;
  return { name, metric: m.metric, phase, direction: m.direction ?? defaultDirection(m.metric), margin, floor, above: tail ? (m.above ?? 0.1) : 0, critical: m.critical, weight: m.weight, group: m.group ?? DEFAULT_GROUP };
}

const validateJudge: Validate<JudgeConfig> = (raw) => {
  const issues: Issue[] = [];
  if (raw && typeof raw === "object" && "margin" in raw) issues.push({ path: ["margin"], message: "is now set per metric (`margin` and `floor` under `metrics`)" });
  if (raw && typeof raw === "object" && "marginal" in raw) issues.push({ path: ["marginal"], message: "is gone: a marginal score is inconclusive (exit 4)" });
  const stripped = raw && typeof raw === "object" ? Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "margin" && k !== "marginal")) : raw;
  const top = judgeSchema.safeParse(stripped ?? {}, { reportInput: true });
  if (!top.success) issues.push(...fromZod(top.error));
  const c = top.success ? top.data : undefined;
  if (c && c.thresholds.marginal > c.thresholds.pass) {
    issues.push({ path: ["thresholds", "marginal"], message: `must not be above pass (${c.thresholds.pass})` });
  }
  const rawMetrics = Array.isArray((raw as { metrics?: unknown } | undefined)?.metrics) ? (raw as { metrics: unknown[] }).metrics : DEFAULT_METRICS;
  const metrics: MetricSpec[] = [];
  rawMetrics.forEach((value, i) => {
    const m = validateMetric(value, i, issues);
    if (!m) return;
    if (metrics.some((x) => x.name === m.name)) return void issues.push({ path: ["metrics", i], message: `${m.name} is compared twice` });
    if (c?.groups && !(m.group in c.groups)) {
      return void issues.push({ path: ["metrics", i, "group"], message: `"${m.group}" is not among groups (valid: ${Object.keys(c.groups).join(", ")})` });
    }
    metrics.push(m);
  });
  if (issues.length || !c) return { issues };
  const groups = c.groups ?? Object.fromEntries(metrics.map((m) => [m.group, 1]));
  return { issues, value: { confidence: c.confidence, familyLevel: c.familyLevel, exact: c.exact, thresholds: c.thresholds, groups, metrics } };
};

export function loadJudgeConfig(path: string | undefined): JudgeConfig {
  if (path === undefined) return validateJudge(undefined, "").value!;
  return readLocatedYaml(path, "judge configuration", validateJudge);
}

/** The margin of a metric around a baseline value: max(margin × |value|, floor). */
export const effectiveMargin = (spec: Pick<MetricSpec, "margin" | "floor">, baselineValue: number): number => Math.max(spec.margin * Math.abs(baselineValue), spec.floor);
