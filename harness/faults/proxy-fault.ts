// What every fault acting in a fault proxy shares: where the rule goes (the host-side proxy in front of each
// victim, or with `from` the link proxy answering as the target), the per-connection knobs (direction,
// probability), and an undo that takes exactly that rule out again, leaving connections open.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { HttpRule } from "../proxy/http-layer.ts";
import type { ProxyRule } from "../proxy/host-proxies.ts";
import { DIRECTIONS, type Direction, type ToxicRule } from "../proxy/rules.ts";
import { ratio } from "../scenario/fields.ts";
import { formatPercent } from "../scenario/units.ts";
import { networkAddress } from "../targets/replica.ts";
import { onEachVictim, type FaultBase, type FaultContext, type FaultKind, type Undo } from "./fault.ts";

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

/** A fault kind made of one toxic rule, in force for the fault's window. */
export function toxicFault<P extends ToxicParams>(def: {
  kind: ToxicSpec["toxic"];
  summary: string;
  params: z.ZodType<P>;
  spec(p: P): ToxicSpec;
  /** The effect in a few words, e.g. "+200ms ±20ms". */
  effect(p: P): string;
}): FaultKind<P> {
  const { kind } = def;
  return {
    kind,
    summary: def.summary,
    params: def.params,
    window: "required",
    proxy: "tcp",
    describe: (p) => {
      const share = p.probability < 1 ? `, ${formatPercent(p.probability)} of connections` : "";
      const effect = def.effect(p);
      return `${kind}${effect ? ` ${effect}` : ""} on ${p.from ? `${p.from}→${p.target}` : p.target} (${p.direction}${share})`;
    },
    inject: (ctx, p) =>
      injectRule(ctx, p, { id: ruleId(kind), direction: p.direction, probability: p.probability, ...def.spec(p) } as ToxicRule),
  };
}

/** A fault kind made of one HTTP rule on the host-side proxies of the victims. */
export function httpFault<P extends { ratio: number; path?: string | undefined }>(def: {
  kind: string;
  summary: string;
  params: z.ZodType<P>;
  spec(p: P): DistributiveOmit<HttpRule, "id" | "ratio" | "path">;
  effect(p: P): string;
}): FaultKind<P> {
  const { kind } = def;
  return {
    kind,
    summary: def.summary,
    params: def.params,
    window: "required",
    proxy: "http",
    describe: (p) => {
      const share = p.ratio < 1 ? ` on ${formatPercent(p.ratio)} of` : " on";
      return `${kind} ${def.effect(p)}${share} requests to ${p.target}${p.path ? ` ${p.path}` : ""}`;
    },
    inject: (ctx, p) => injectRule(ctx, p, { id: ruleId(kind), ratio: p.ratio, ...(p.path ? { path: p.path } : {}), ...def.spec(p) } as HttpRule),
  };
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
