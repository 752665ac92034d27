// Scenario file v1: the key names here are the public contract (docs/scenario.md). Keys may be added,
// never renamed. Durations become `*Ms` numbers, percentages fractions.
import { z } from "zod";
import { parseComparison, type Comparison, type Unit } from "../slo/grammar.ts";
import { duration, int, name, obj, positiveDuration, select, urlPath } from "./fields.ts";

export const RESTART_POLICIES = ["no", "on-failure", "always"] as const;
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

const comparison = (unit: Unit) =>
  z.string().transform((text, ctx): Comparison => {
    const parsed = parseComparison(text, unit);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    }
    return parsed.value;
  });

export const targetSchema = obj({
  build: z.string().min(1).optional(),
  image: z.string().min(1).optional(),
  port: int(1, 65535),
  replicas: int(1, 50).default(1),
  restart: z.enum(RESTART_POLICIES).default("no"),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
  command: z.array(z.string()).optional(),
  // Without `health`, a target is ready as soon as its port answers HTTP at all (any status).
  health: obj({
    path: urlPath.default("/"),
    timeout: positiveDuration.default(30_000),
    interval: positiveDuration.default(100),
  })
    .optional()
    .transform((h) =>
      h
        ? { path: h.path, timeoutMs: h.timeout, intervalMs: h.interval, anyStatus: false }
        : { path: "/", timeoutMs: 30_000, intervalMs: 100, anyStatus: true },
    ),
})
  .refine((t) => t.build !== undefined || t.image !== undefined, {
    message: "give build (a folder with a Dockerfile) or image (a local image name:tag)",
  });

export const loadSchema = obj({
  engine: z.literal("autocannon").default("autocannon"),
  target: z.string(),
  path: urlPath.default("/"),
  method: z.enum(HTTP_METHODS).default("GET"),
  connections: int(1, 1000).default(10),
  rate: z.number().positive().max(1_000_000).optional(),
  duration: positiveDuration,
  timeout: positiveDuration.default(2_000),
}).transform(({ duration: durationMs, timeout, rate, ...rest }) => ({
  ...rest,
  durationMs,
  timeoutMs: timeout,
  ...(rate === undefined ? {} : { rate }),
}));

export const probeSchema = obj({
  name,
  target: z.string(),
  path: urlPath.default("/"),
  every: positiveDuration.default(250),
  timeout: positiveDuration.default(500),
}).transform(({ every, timeout, ...rest }) => ({ ...rest, everyMs: every, timeoutMs: timeout }));

export const HYPOTHESIS_LATENCY_KEYS = ["p50", "p90", "p95", "p99", "max"] as const;

export const steadyStateSchema = obj({
  errorRate: comparison("ratio").optional(),
  p50: comparison("duration").optional(),
  p90: comparison("duration").optional(),
  p95: comparison("duration").optional(),
  p99: comparison("duration").optional(),
  max: comparison("duration").optional(),
  window: positiveDuration.default(1_000),
  stableFor: positiveDuration.default(2_000),
}).transform(({ window, stableFor, ...conditions }) => ({ windowMs: window, stableForMs: stableFor, ...conditions }));

/** What a variant (`variants.baseline`, `variants.canary`) may change in a target; env is merged. */
export const targetOverrideSchema = obj({
  build: z.string().min(1).optional(),
  image: z.string().min(1).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional(),
  command: z.array(z.string()).optional(),
  replicas: int(1, 50).optional(),
  restart: z.enum(RESTART_POLICIES).optional(),
}).refine((t) => t.build === undefined || t.image === undefined, { message: "give build or image, not both" });

export const VARIANT_NAMES = ["baseline", "canary"] as const;
export type VariantName = (typeof VARIANT_NAMES)[number];

export const reportSchema = obj({
  formats: z.array(z.string()).default(["json", "markdown"]),
});

/** The fault keys every kind shares; each kind adds its own (see faults/registry.ts). */
export const faultBaseShape = {
  kind: z.string(),
  target: z.string(),
  at: duration,
  duration: positiveDuration.optional(),
  select: select.optional(),
};

export const TOP_LEVEL_KEYS = [
  "version",
  "name",
  "description",
  "targets",
  "load",
  "probes",
  "steadyState",
  "faults",
  "slo",
  "report",
  "variants",
] as const;

export const headerSchema = obj({
  version: z.literal(1),
  name,
  description: z.string().optional(),
  targets: z.record(z.string(), z.unknown()),
  load: z.unknown(),
  probes: z.array(z.unknown()).default([]),
  steadyState: z.unknown().optional(),
  faults: z.array(z.unknown()).default([]),
  slo: z.array(z.string()).default([]),
  report: z.unknown().optional(),
  variants: z.unknown().optional(),
});

export type TargetSpec = z.output<typeof targetSchema>;
export type TargetOverride = z.output<typeof targetOverrideSchema>;
export type LoadSpec = z.output<typeof loadSchema>;
export type ProbeSpec = z.output<typeof probeSchema>;
export type Hypothesis = z.output<typeof steadyStateSchema>;
