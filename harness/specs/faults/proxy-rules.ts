// What a fault proxy can be told to do, as plain JSON: the harness sends these to in-process proxies and,
// over the control API, to proxy containers. Vocabulary and defaults follow Toxiproxy's toxics; units are
// the harness's (milliseconds, bytes, bytes per second).
import { z } from "zod";

export const DIRECTIONS = ["upstream", "downstream", "both"] as const;
export type Direction = (typeof DIRECTIONS)[number];

const ms = z.number().int().min(0).max(3_600_000);

const common = {
  id: z.string().min(1).max(100),
  /** upstream: client → server; downstream: server → client. */
  direction: z.enum(DIRECTIONS),
  /** Share of connections the rule hits, drawn once per connection (Toxiproxy's toxicity). */
  probability: z.number().min(0).max(1),
  /** Only connections from these addresses (a link's `from` replicas). */
  sources: z.array(z.string()).optional(),
  /** Only connections forwarded to these upstreams (indexes into the proxy's upstream list). */
  upstreams: z.array(z.number().int().min(0)).optional(),
};

export const toxicRuleSchema = z.discriminatedUnion("toxic", [
  z.strictObject({ ...common, toxic: z.literal("latency"), delayMs: ms, jitterMs: ms }),
  z.strictObject({ ...common, toxic: z.literal("bandwidth"), bytesPerSecond: z.number().int().positive() }),
  z.strictObject({ ...common, toxic: z.literal("slow-close"), delayMs: ms }),
  z.strictObject({ ...common, toxic: z.literal("timeout"), timeoutMs: ms }),
  z.strictObject({ ...common, toxic: z.literal("reset-peer"), timeoutMs: ms }),
  z.strictObject({
    ...common,
    toxic: z.literal("slicer"),
    averageSize: z.number().int().positive(),
    sizeVariation: z.number().int().min(0),
    delayMs: ms,
  }),
  z.strictObject({ ...common, toxic: z.literal("limit-data"), bytes: z.number().int().min(0) }),
  z.strictObject({ ...common, toxic: z.literal("blackhole") }),
]);

export type ToxicRule = z.output<typeof toxicRuleSchema>;
export type ToxicName = ToxicRule["toxic"];

// HTTP rules, for the HTTP fault layer behind a host-side proxy.
const httpCommon = {
  id: z.string().min(1).max(100),
  /** Share of matching requests hit, drawn per request. */
  ratio: z.number().min(0).max(1),
  /** Only requests whose path is this one or below it (`/work` matches `/work`, `/work/1`, `/work?x`). */
  path: z.string().startsWith("/").optional(),
};

export const httpRuleSchema = z.discriminatedUnion("http", [
  z.strictObject({ ...httpCommon, http: z.literal("error"), status: z.number().int().min(100).max(599) }),
  z.strictObject({ ...httpCommon, http: z.literal("abort") }),
  z.strictObject({ ...httpCommon, http: z.literal("delay"), delayMs: z.number().int().min(0) }),
]);

export type HttpRule = z.output<typeof httpRuleSchema>;

/** A rule for a host-side fault proxy: a TCP toxic, or an HTTP rule for its HTTP layer. */
export type ProxyRule = ToxicRule | HttpRule;
