// The judge's configuration (`steadystate compare --config judge.yaml`): which metrics are compared, in which
// phase, which direction is bad, how large a change matters (the practical margin), which are critical, how
// metrics and groups weigh, and the levels. Without a file the defaults below apply; a file replaces the
// parts it gives. A metric is the load's own (`metric:`), or any other the journals hold (`query:` a
// Prometheus query the run evaluated, `probe:` or `journey:` latency, `resource:` a target's CPU or memory).
import { z } from "zod";
import type { Issue } from "../contracts/errors.ts";
import { fromZod } from "../contracts/issues.ts";
import { QUERY_NAME } from "../contracts/query-series.ts";
import { parseDuration, parsePercent, parseSize, SIZE_HINT } from "../contracts/units.ts";
import { name as scenarioName, obj, positiveDuration, ratio } from "../specs/fields.ts";
import { readLocatedYaml, type Validate } from "../scenario/parse.ts";

/** Per-window metrics of the load (compared with Mann-Whitney on one value per window). */
export const LATENCY_METRICS = ["p50", "p90", "p95", "p99", "max", "mean"] as const;
export type LatencyStat = (typeof LATENCY_METRICS)[number];
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
/** The keys that say what a metric entry compares: exactly one of them per entry. */
export const SOURCE_KEYS = ["metric", "query", "probe", "journey", "resource"] as const;
/** What a query's values are (after `scale`): milliseconds, per second, a fraction, a plain number, bytes. */
export const QUERY_UNITS = ["duration", "rate", "share", "number", "bytes"] as const;
export const RESOURCES = ["cpu", "memory"] as const;
export type Resource = (typeof RESOURCES)[number];
/**
 * What a metric's values are, which decides how its `floor` is written and its values shown: milliseconds,
 * per second, a fraction, a plain number, bytes, or CPU in percent of one core (Docker's: 100 = one core).
 */
export type MetricUnit = (typeof QUERY_UNITS)[number] | "cpu";

/** Where a metric's samples come from: the load's own metrics, or any other metric the journals hold. */
export type MetricSource =
  | { kind: "metric"; metric: JudgeMetric }
  /** A Prometheus query the run evaluated over its load (journal `queries[name]`), one value per step, times `scale`. */
  | { kind: "query"; name: string; query: string; scale: number; stepMs: number | null }
  /** A statistic of a probe's or a journey's latency, one value per window (journal `windows[].series`). */
  | { kind: "probe"; probe: string; stat: LatencyStat }
  | { kind: "journey"; journey: string; stat: LatencyStat }
  /** A target's CPU or memory, one value per Docker stats sample of each of its replicas (journal `resources`). */
  | { kind: "resource"; resource: Resource; target: string };

export const unitOf = (m: JudgeMetric): MetricUnit =>
  (PROPORTION_METRICS as readonly string[]).includes(m) ? "share" : m === "throughput" ? "rate" : "duration";

const FLOOR_HINT: Record<MetricUnit, string> = {
  duration: 'a duration like "2ms" or "1.5s"',
  rate: "a number per second like 5",
  share: 'percentage points like "1%"',
  number: "a number like 5",
  bytes: SIZE_HINT,
  cpu: 'a share of one core like "5%" (or 5)',
};

const nonNegative = (v: unknown) => (typeof v === "number" && v >= 0 && Number.isFinite(v) ? v : undefined);

/** A margin's absolute floor in the metric's unit (ms, per second, a share in [0, 1], bytes, % of a core); undefined when unreadable. */
function parseFloor(v: unknown, unit: MetricUnit): number | undefined {
  if (unit === "duration") return typeof v === "string" || typeof v === "number" ? parseDuration(v, true) : undefined;
  if (unit === "rate" || unit === "number") return nonNegative(v);
  if (unit === "bytes") return typeof v === "string" || typeof v === "number" ? parseSize(v) : undefined;
  if (unit === "cpu") {
    const share = typeof v === "string" ? parsePercent(v, Infinity) : undefined;
    return share === undefined ? nonNegative(v) : share * 100;
  }
  const r = ratio.safeParse(v);
  return r.success ? r.data : undefined;
}

/** What every metric entry may set besides its source. */
const commonShape = {
  phase: z.enum(PHASES).optional(),
  /** Which change is bad: `increase` (latency, errors, MTTR), `decrease` (throughput) or `either`. */
  direction: z.enum(DIRECTIONS).optional(),
  /** The practical margin relative to the baseline's value: a change within it does not matter. */
  margin: ratio.optional(),
  /** The margin's absolute floor, in the metric's unit (`p99 within 5% or 2ms`). */
  floor: z.unknown().optional(),
  critical: z.boolean().default(false),
  weight: z.number().positive().finite().default(1),
  group: z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/, "must be lowercase letters, digits, _ and -, starting with a letter").optional(),
};

const metricSchema = obj({
  metric: z.enum(JUDGE_METRICS),
  ...commonShape,
  /** Tail metrics: a request counts when slower than the baseline's quantile by more than this. */
  above: ratio.optional(),
});
const querySchema = obj({
  /** Names the row and the query's series in the journal (`queries[name]`). */
  name: z.string().regex(QUERY_NAME, "must be letters a-z, digits, _ and -, starting with a letter (≤ 63 characters)"),
  query: z.string().trim().min(1).max(10_000),
  unit: z.enum(QUERY_UNITS),
  /** Multiplies every value (1000: seconds → milliseconds). */
  scale: z.number().positive().finite().default(1),
  /** One value per step; default: the scenario's hypothesis window. */
  step: positiveDuration.optional(),
  ...commonShape,
});
const probeSchema = obj({ probe: scenarioName, stat: z.enum(LATENCY_METRICS), ...commonShape });
const journeySchema = obj({ journey: scenarioName, stat: z.enum(LATENCY_METRICS), ...commonShape });
const resourceSchema = obj({ resource: z.enum(RESOURCES), target: scenarioName, ...commonShape });
/** Every key an entry may have, whatever its source. */
const ENTRY_KEYS = new Set([metricSchema, querySchema, probeSchema, journeySchema, resourceSchema].flatMap((x) => Object.keys(x.shape)));

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
  /** Row name: metric and phase, e.g. "p99 (steady)", "checkout-p99 (faults)", "probe health p99 (steady)". */
  name: string;
  source: MetricSource;
  unit: MetricUnit;
  phase: Phase | null;
  direction: Direction;
  /** Relative margin: a change within `margin` × |baseline value| does not matter. */
  margin: number;
  /** Absolute floor of the margin, in the metric's unit (ms, per second, share, number, bytes, % of a core). */
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
/** What every entry sets besides its source. */
type Common = Omit<z.output<typeof metricSchema>, "metric">;

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
/**
 * The floor of any other metric when none is given: 1 ms of latency (as the load's defaults), 1% of a core
 * and 1 MiB of memory (so that the noise of an idle target is not 10% of nearly nothing); 0 otherwise.
 */
const DEFAULT_FLOOR: Record<MetricUnit, number> = { duration: 1, rate: 0, share: 0, number: 0, bytes: 2 ** 20, cpu: 1 };

type Entry = { source: MetricSource; unit: MetricUnit; label: string; defaults: { direction: Direction; margin: number; floor: number }; m: Common };

/** Which source key an entry gives; an issue when it gives none or more than one. */
function sourceKey(value: unknown, i: number, issues: Issue[]): (typeof SOURCE_KEYS)[number] | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return "metric"; // its schema says what is wrong
  const given = SOURCE_KEYS.filter((k) => k in value);
  if (given.length === 1) return given[0];
  if (given.length > 1) return void issues.push({ path: ["metrics", i], message: `gives ${given.join(" and ")}: give exactly one of the keys that say what to compare`, valid: SOURCE_KEYS });
  const unknown = Object.keys(value).find((k) => !ENTRY_KEYS.has(k));
  return void issues.push({ path: ["metrics", i], message: "says nothing to compare: give exactly one of the keys that do", valid: SOURCE_KEYS, ...(unknown ? { given: unknown } : {}) });
}

function parseEntry(value: unknown, i: number, issues: Issue[]): Entry | undefined {
  const key = sourceKey(value, i, issues);
  if (!key) return undefined;
  const at = ["metrics", i];
  const parse = <T>(schema: z.ZodType<T>): T | undefined => {
    const r = schema.safeParse(value, { reportInput: true });
    if (!r.success) return void issues.push(...fromZod(r.error, at));
    return r.data;
  };
  const other = (source: MetricSource, unit: MetricUnit, label: string, m: Common): Entry => ({ source, unit, label, m, defaults: { direction: "increase", margin: 0.1, floor: DEFAULT_FLOOR[unit] } });
  switch (key) {
    case "metric": {
      const m = parse(metricSchema);
      if (!m) return undefined;
      if ((FAULT_METRICS as readonly string[]).includes(m.metric) && m.phase) return void issues.push({ path: [...at, "phase"], message: `${m.metric} has one value per fault: remove phase` });
      const defaults = { direction: defaultDirection(m.metric), margin: defaultMargin(m.metric), floor: 0 };
      return { source: { kind: "metric", metric: m.metric }, unit: unitOf(m.metric), label: m.metric, defaults, m };
    }
    case "query": {
      const m = parse(querySchema);
      return m && other({ kind: "query", name: m.name, query: m.query, scale: m.scale, stepMs: m.step ?? null }, m.unit, m.name, m);
    }
    case "probe": {
      const m = parse(probeSchema);
      return m && other({ kind: "probe", probe: m.probe, stat: m.stat }, "duration", `probe ${m.probe} ${m.stat}`, m);
    }
    case "journey": {
      const m = parse(journeySchema);
      return m && other({ kind: "journey", journey: m.journey, stat: m.stat }, "duration", `journey ${m.journey} ${m.stat}`, m);
    }
    case "resource": {
      const m = parse(resourceSchema);
      return m && other({ kind: "resource", resource: m.resource, target: m.target }, m.resource === "cpu" ? "cpu" : "bytes", `${m.resource} ${m.target}`, m);
    }
  }
}

function validateMetric(value: unknown, i: number, issues: Issue[]): MetricSpec | undefined {
  if (value && typeof value === "object" && "tolerance" in value) return void issues.push({ path: ["metrics", i, "tolerance"], message: "is now `margin` (relative to the baseline) and `floor` (absolute)" });
  const e = parseEntry(value, i, issues);
  if (!e) return undefined;
  const { m, unit } = e;
  const floor = m.floor === undefined ? e.defaults.floor : parseFloor(m.floor, unit);
  if (floor === undefined) return void issues.push({ path: ["metrics", i, "floor"], message: `${JSON.stringify(m.floor)} is not ${FLOOR_HINT[unit]}` });
  const tail = e.source.kind === "metric" && (TAIL_METRICS as readonly string[]).includes(e.source.metric);
  if (m.above !== undefined && !tail) return void issues.push({ path: ["metrics", i, "above"], message: `is for ${TAIL_METRICS.join(" and ")} only` });
  const margin = m.margin ?? e.defaults.margin;
  if (margin === 0 && floor === 0) return void issues.push({ path: ["metrics", i], message: "has no margin: give `margin` (relative) or `floor` (absolute) above 0, or every change would matter" });
  const perFault = e.source.kind === "metric" && (FAULT_METRICS as readonly string[]).includes(e.source.metric);
  const phase = perFault ? null : (m.phase ?? "steady");
  const name = phase ? `${e.label} (${phase})` : e.label;
  return { name, source: e.source, unit, phase, direction: m.direction ?? e.defaults.direction, margin, floor, above: tail ? (m.above ?? 0.1) : 0, critical: m.critical, weight: m.weight, group: m.group ?? DEFAULT_GROUP };
}

/** One name, one query: two rows (say, both phases) of the same query name must ask the same thing. */
function sameQuery(m: MetricSpec, others: readonly MetricSpec[]): string | undefined {
  if (m.source.kind !== "query") return undefined;
  const q = m.source;
  const clash = others.find((x) => x.source.kind === "query" && x.source.name === q.name && (x.source.query !== q.query || x.source.stepMs !== q.stepMs));
  return clash && `${q.name} already names another query or step (in ${clash.name}): one name, one query`;
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
    const clash = sameQuery(m, metrics);
    if (clash) return void issues.push({ path: ["metrics", i, "query"], message: clash });
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

/** The Prometheus queries a run evaluates for the judge (`run --ab`): one per query name. */
export function judgeQueries(config: JudgeConfig): Extract<MetricSource, { kind: "query" }>[] {
  const out = new Map<string, Extract<MetricSource, { kind: "query" }>>();
  for (const m of config.metrics) if (m.source.kind === "query" && !out.has(m.source.name)) out.set(m.source.name, m.source);
  return [...out.values()];
}

/** The margin of a metric around a baseline value: max(margin × |value|, floor). */
export const effectiveMargin = (spec: Pick<MetricSpec, "margin" | "floor">, baselineValue: number): number => Math.max(spec.margin * Math.abs(baselineValue), spec.floor);
