// What a fault proxy does with a rule (its vocabulary is in specs/faults/proxy-rules.ts): which connections it
// selects, and whether two versions of a rule act the same.
import type { ToxicRule } from "../specs/faults/proxy-rules.ts";

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
