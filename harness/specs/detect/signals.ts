// The signals a built-in detector can watch, and the unit its quantities (limits, minSigma) are written in.
// User-facing ones come from the run's own measurements of the load or a probe (per evaluation window);
// container ones from the Docker stats of a target's replicas (summed); `query` from Prometheus.
import { z } from "zod";
import { latency, size, textValue } from "../fields.ts";
import { parsePercent } from "../../contracts/units.ts";
import type { SignalUnit } from "./detector.ts";

/** A fraction from "85%" (may exceed 100 %: CPU over several cores) or a number. */
const fraction = textValue(
  (v) => (typeof v === "string" ? parsePercent(v, Infinity) : v >= 0 ? v : undefined),
  "a percentage like 5% (or a fraction)",
);

const UNITS = {
  ratio: { value: fraction, minSigma: 0.001 },
  ms: { value: latency, minSigma: 1 },
  bytes: { value: size, minSigma: 1024 ** 2 },
  perSecond: { value: z.number(), minSigma: 1 },
  count: { value: z.number(), minSigma: 0.1 },
  number: { value: z.number(), minSigma: 0 },
} satisfies Record<string, SignalUnit>;

export interface SignalInfo {
  scope: "user" | "container" | "query";
  unit: SignalUnit;
  description: string;
}

export const signals = {
  error_rate: { scope: "user", unit: UNITS.ratio, description: "failed / all outcomes of the source in the window (5% or 0.05)" },
  requests: { scope: "user", unit: UNITS.perSecond, description: "outcomes per second of the source in the window" },
  p50: { scope: "user", unit: UNITS.ms, description: "median latency of the source in the window (300ms)" },
  p90: { scope: "user", unit: UNITS.ms, description: "90th percentile latency" },
  p95: { scope: "user", unit: UNITS.ms, description: "95th percentile latency" },
  p99: { scope: "user", unit: UNITS.ms, description: "99th percentile latency" },
  max: { scope: "user", unit: UNITS.ms, description: "maximum latency" },
  cpu: { scope: "container", unit: UNITS.ratio, description: "CPU use of the target's replicas, 100% = one core" },
  memory: { scope: "container", unit: UNITS.bytes, description: "memory use of the target's replicas (256MiB)" },
  restarts: { scope: "container", unit: UNITS.count, description: "restarts of the target's replicas since the run began" },
  network: { scope: "container", unit: UNITS.bytes, description: "bytes received and sent per second by the target's replicas" },
} as const satisfies Record<string, SignalInfo>;

export type SignalName = keyof typeof signals;
export const signalNames = Object.keys(signals) as SignalName[];

/** A PromQL query's value has no known unit: plain numbers. */
export const QUERY_SIGNAL: SignalInfo = { scope: "query", unit: UNITS.number, description: "the first value of a PromQL instant query" };
