// Scenario file v1: the key names here are the public contract (docs/scenario.md). Keys may be added,
// never renamed. Durations become `*Ms` numbers, percentages fractions.
import { z } from "zod";
import { duration, int, isUrlPathText, name, obj, positiveDuration, select, singleLine, size, URL_PATH_CHARACTERS, urlPath } from "../specs/fields.ts";

export const RESTART_POLICIES = ["no", "on-failure", "always"] as const;
export const BALANCERS = ["haproxy"] as const;

export const targetSchema = obj({
  build: singleLine.optional(),
  image: singleLine.optional(),
  // Targets the run does not own (see target-source.ts): a running container, or a URL (load and probes only).
  container: z.string().min(1).optional(),
  url: z.string().min(1).optional(),
  allowRemote: z.boolean().default(false),
  port: int(1, 65535).optional(), // required unless `url` (checked with the target's source)
  // Size-limited tmpfs mounts (path → size): a disk that disk-fill can fill without touching the host's.
  tmpfs: z.record(z.string().regex(/^\/./, 'must be an absolute path like "/data"'), size).default({}),
  replicas: int(1, 50).default(1),
  restart: z.enum(RESTART_POLICIES).default("no"),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
  command: z.array(z.string()).optional(),
  // Targets this one calls: it starts once they are ready (Compose's depends_on), and each answers it
  // through a fault proxy on the run network (faults with `from`).
  dependsOn: z.array(z.string()).default([]),
  // Docker's own health check (Compose's healthcheck): readiness then also waits for "healthy".
  healthcheck: obj({
    test: z.array(z.string()).min(2),
    interval: positiveDuration.default(30_000),
    timeout: positiveDuration.default(30_000),
    retries: int(1, 100).default(3),
    startPeriod: duration.default(0),
  })
    .refine((h) => ["CMD", "CMD-SHELL"].includes(h.test[0]!), { message: 'test starts with "CMD" or "CMD-SHELL"', path: ["test"] })
    .optional(),
  // A real load balancer in front of the replicas; load and probes go through it.
  balancer: z.enum(BALANCERS).optional(),
  // What Prometheus scrapes on each replica (when detection.prometheus runs one), or "none".
  metrics: z
    .string()
    .refine((m) => m === "none" || m.startsWith("/"), { message: 'must be a path like /metrics, or "none"', abort: true })
    .refine((m) => m === "none" || isUrlPathText(m), { message: URL_PATH_CHARACTERS })
    .default("/metrics"),
  // NAME: mount path. Each replica gets its own labelled volume per NAME, removed with the run.
  volumes: z.record(name, z.string().regex(/^\/[^\0:]*[^/\0:]$/, "must be an absolute path inside the container, such as /data")).default({}),
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
});

export const probeSchema = obj({
  name,
  target: z.string(),
  path: urlPath.default("/"),
  every: positiveDuration.default(250),
  timeout: positiveDuration.default(500),
}).transform(({ every, timeout, ...rest }) => ({ ...rest, everyMs: every, timeoutMs: timeout }));

/** What a variant (`variants.baseline`, `variants.canary`) may change in a target; env is merged. */
export const targetOverrideSchema = obj({
  build: singleLine.optional(),
  image: singleLine.optional(),
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
  repeat: obj({ every: positiveDuration, times: int(1, 1000) })
    .transform((r) => ({ everyMs: r.every, times: r.times }))
    .optional(),
};

export const TOP_LEVEL_KEYS = [
  "version",
  "name",
  "description",
  "targets",
  "load",
  "probes",
  "journeys",
  "steadyState",
  "faults",
  "slo",
  "errorBudget",
  "abortWhen",
  "report",
  "detection",
  "heal",
  "checks",
  "variants",
] as const;

export const headerSchema = obj({
  version: z.literal(1),
  name,
  description: z.string().optional(),
  targets: z.record(z.string(), z.unknown()),
  load: z.unknown(),
  probes: z.array(z.unknown()).default([]),
  journeys: z.array(z.unknown()).default([]),
  steadyState: z.unknown().optional(),
  faults: z.array(z.unknown()).default([]),
  slo: z.array(z.string()).default([]),
  errorBudget: z.unknown().optional(),
  abortWhen: z.array(z.string()).default([]),
  report: z.unknown().optional(),
  detection: z.unknown().optional(),
  heal: z.array(z.unknown()).default([]),
  checks: z.array(z.unknown()).default([]),
  variants: z.unknown().optional(),
});

export type TargetSpec = z.output<typeof targetSchema>;
export type TargetOverride = z.output<typeof targetOverrideSchema>;
export type ProbeSpec = z.output<typeof probeSchema>;
