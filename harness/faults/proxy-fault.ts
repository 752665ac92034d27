// What every fault acting in a fault proxy shares: where the rule goes (the host-side proxy in front of each
// victim, or with `from` the link proxy answering as the target), the per-connection knobs (direction,
// probability), and an undo that takes exactly that rule out again, leaving connections open.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { HttpRule, ProxyRule } from "../specs/faults/proxy-rules.ts";
import { DIRECTIONS, type Direction, type ToxicRule } from "../specs/faults/proxy-rules.ts";
import { ratio } from "../specs/fields.ts";
import { formatPercent } from "../contracts/units.ts";
import { networkAddress } from "../targets/replica.ts";
import { onEachVictim, type FaultContext, type FaultKind, type Undo } from "./fault.ts";
import type { FaultBase } from "../specs/faults/fault.ts";
/** Keys of every TCP toxic fault. */
export const toxicShape = {
  direction: z.enum(DIRECTIONS).default("downstream"),
  probability: ratio.default(1),
  /** A dependent target: the fault acts on its connections to `target` (through the link proxy). */
  from: z.string().optional(),
};

export interface ToxicParams {
  direction: Direction;
  probability: number;
  from?: string | undefined;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ToxicSpec = DistributiveOmit<ToxicRule, "id" | "direction" | "probability" | "sources" | "upstreams">;

const ruleId = (kind: string) => `${kind}-${randomUUID().slice(0, 8)}`;

interface RuleKindDef<P> {
  kind: string;
  summary: string;
  params: z.ZodType<P>;
  /** The effect in a few words, e.g. "+200ms ±20ms". */
  effect(p: P): string;
}

/** What toxic and HTTP kinds share: a window in which one rule (a fresh id per injection) is in force. */
function ruleFault<P extends object>(
  def: RuleKindDef<P>,
  proxy: "tcp" | "http",
  shape: { describe(p: P & FaultBase): string; revert(p: P & FaultBase): string; rule(p: P): Omit<ProxyRule, "id"> },
): FaultKind<P> {
  return {
    kind: def.kind,
    summary: def.summary,
    params: def.params,
    window: "required",
    proxy,
    describe: shape.describe,
    revert: shape.revert,
    inject: (ctx, p) => injectRule(ctx, p, { id: ruleId(def.kind), ...shape.rule(p) } as ProxyRule),
  };
}

/** A fault kind made of one toxic rule, in force for the fault's window. */
export function toxicFault<P extends ToxicParams>(def: RuleKindDef<P> & { kind: ToxicSpec["toxic"]; spec(p: P): ToxicSpec }): FaultKind<P> {
  const where = (p: P & FaultBase) => (p.from ? `${p.from}→${p.target}` : p.target);
  return ruleFault(def, "tcp", {
    describe: (p) => {
      const share = p.probability < 1 ? `, ${formatPercent(p.probability)} of connections` : "";
      const effect = def.effect(p);
      return `${def.kind}${effect ? ` ${effect}` : ""} on ${where(p)} (${p.direction}${share})`;
    },
    revert: (p) => `remove the rule from the fault proxy on ${where(p)}: connections stay open, held data goes on at once`,
    rule: (p) => ({ direction: p.direction, probability: p.probability, ...def.spec(p) }) as Omit<ToxicRule, "id">,
  });
}

/** A fault kind made of one HTTP rule on the host-side proxies of the victims. */
export function httpFault<P extends { ratio: number; path?: string | undefined }>(
  def: RuleKindDef<P> & {
    spec(p: P): DistributiveOmit<HttpRule, "id" | "ratio" | "path">;
    /** What happens to requests the rule holds when it is removed, if it holds any. */
    onRemoval?: string;
  },
): FaultKind<P> {
  return ruleFault(def, "http", {
    describe: (p) => {
      const share = p.ratio < 1 ? ` on ${formatPercent(p.ratio)} of` : " on";
      return `${def.kind} ${def.effect(p)}${share} requests to ${p.target}${p.path ? ` ${p.path}` : ""}`;
    },
    revert: (p) => `remove the rule from the fault proxy in front of ${p.target}${def.onRemoval ? `: ${def.onRemoval}` : ""}`,
    rule: (p) => ({ ratio: p.ratio, ...(p.path ? { path: p.path } : {}), ...def.spec(p) }) as Omit<HttpRule, "id">,
  });
}

async function injectRule(ctx: FaultContext, p: FaultBase & { from?: string | undefined }, rule: ProxyRule): Promise<Undo | undefined> {
  if (p.from !== undefined && "toxic" in rule) {
    const link = ctx.topology.linkProxy(p.target);
    if (!link) throw new Error(`no fault proxy answers as ${p.target}: add dependsOn: [${p.target}] to targets.${p.from}`);
    const sources = await Promise.all(ctx.topology.replicas[p.from]!.map((r) => networkAddress(ctx.docker, r.containerId, ctx.topology.network)));
    // Without `select` every replica is a victim and the rule needs no upstream filter.
    const every = ctx.victims.length === ctx.topology.replicas[p.target]!.length;
    await link.control.set({ ...rule, sources, ...(every ? {} : { upstreams: ctx.victims.map((v) => v.index) }) });
    ctx.log(`rule ${rule.id} set on ${link.containerName} for connections from ${sources.join(", ")}`);
    return () => link.control.remove(rule.id);
  }
  return onEachVictim(ctx, async (victim) => {
    const proxy = ctx.topology.hostProxy(victim);
    if (!proxy) throw new Error(`no fault proxy in front of ${victim.containerName}`);
    await proxy.set(rule);
    return () => proxy.remove(rule.id);
  });
}
