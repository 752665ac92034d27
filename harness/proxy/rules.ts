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

/** Whether two versions of a rule act the same (an unchanged rule keeps its per-connection state). */
export function sameRule(a: ToxicRule, b: ToxicRule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Connection facts a rule's filters look at. */
export interface ConnectionFacts {
  remoteAddress: string;
  upstreamIndex: number;
}

/** Whether a rule's filters select the connection (its probability is drawn separately, once). */
export function selects(rule: ToxicRule, conn: ConnectionFacts): boolean {
  if (rule.sources && !rule.sources.includes(plainAddress(conn.remoteAddress))) return false;
  if (rule.upstreams && !rule.upstreams.includes(conn.upstreamIndex)) return false;
  return true;
}

/** "::ffff:172.18.0.3" → "172.18.0.3" (IPv4 peers of a dual-stack listener). */
export function plainAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
