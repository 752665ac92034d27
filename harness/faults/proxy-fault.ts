// The runtime of every fault acting in a fault proxy (specs/faults/proxy-fault.ts): the rule goes to the
// host-side proxy in front of each victim, or with `from` to the link proxy answering as the target; the
// undo takes exactly that rule out again, leaving connections open.
import { randomUUID } from "node:crypto";
import type { FaultBase } from "../specs/faults/fault.ts";
import type { RuleKindSpec } from "../specs/faults/proxy-fault.ts";
import type { ProxyRule } from "../specs/faults/proxy-rules.ts";
import { networkAddress } from "../docker/replica.ts";
import { onEachVictim, type FaultContext, type FaultRuntime, type Undo } from "./fault.ts";

const ruleId = (kind: string) => `${kind}-${randomUUID().slice(0, 8)}`;

/** Each injection puts the spec's rule in force under a fresh id. */
export function ruleRuntime<P extends object>(spec: RuleKindSpec<P>): FaultRuntime<P> {
  return { inject: (ctx, p) => injectRule(ctx, p, { id: ruleId(spec.kind), ...spec.rule(p) } as ProxyRule) };
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
