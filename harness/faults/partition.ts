import { z } from "zod";
import { obj } from "../scenario/fields.ts";
import { networkAddress, type Replica } from "../targets/replica.ts";
import { onEachVictim, type FaultContext, type FaultKind, type Undo } from "./fault.ts";
import { applyChanges, iptablesRule } from "./netns.ts";

interface PartitionParams {
  from?: string | undefined;
}

// Two ways to cut a target off:
// - from the network (no `from`): `docker network disconnect`; the undo connects it again with the same
//   DNS aliases. Everyone, the host's published port included, loses it.
// - from one other target (`from`): in each side's network namespace, packets from the other side (its
//   replicas and, if it has one, the fault proxy answering as it) are dropped (iptables). Connections hang
//   rather than fail fast, as in a real partition.
export const partition: FaultKind<PartitionParams> = {
  kind: "partition",
  summary: "cut the target off the network (docker network disconnect), or only from the target `from` (iptables)",
  params: obj({ from: z.string().optional() }),
  window: "required",
  needs: (p) => (p.from ? ["nsenter", "iptables"] : []),
  detaches: (p) => !p.from,
  instead: "kind blackhole with `from` (fault proxy), or partition without `from` (network disconnect)",
  describe: (p) => (p.from ? `partition ${p.target} from ${p.from}` : `partition ${p.target} from the network`),
  inject: (ctx, p) => (p.from ? betweenTargets(ctx, p.from) : disconnect(ctx)),
};

function disconnect(ctx: FaultContext): Promise<Undo | undefined> {
  const network = ctx.docker.getNetwork(ctx.topology.network);
  return onEachVictim(ctx, async (victim) => {
    const container = ctx.docker.getContainer(victim.containerId);
    const info = await container.inspect();
    // Docker adds the short container id to the aliases it reports; it adds it again on connect.
    const aliases = (info.NetworkSettings.Networks[ctx.topology.network]?.Aliases ?? []).filter((a: string) => !info.Id.startsWith(a));
    await network.disconnect({ Container: victim.containerId, Force: true });
    ctx.log(`disconnected ${victim.containerName} from ${ctx.topology.network} (aliases ${aliases.join(", ")})`);
    return async () => {
      const now = await container.inspect();
      if (now.NetworkSettings.Networks[ctx.topology.network]) return;
      await network.connect({ Container: victim.containerId, EndpointConfig: { Aliases: aliases } });
      ctx.log(`connected ${victim.containerName} to ${ctx.topology.network} again (aliases ${aliases.join(", ")})`);
    };
  });
}

async function betweenTargets(ctx: FaultContext, from: string): Promise<Undo> {
  const { docker, topology } = ctx;
  const target = ctx.victims[0]!.target;
  const addresses = async (replicas: readonly Replica[], side: string) => {
    const ids = [...replicas.map((r) => r.containerId), ...(topology.linkProxy(side) ? [topology.linkProxy(side)!.containerId] : [])];
    return (await Promise.all(ids.map((id) => networkAddress(docker, id, topology.network)))).filter(Boolean);
  };
  const [fromAddresses, targetAddresses] = await Promise.all([addresses(topology.replicas[from]!, from), addresses(ctx.victims, target)]);
  const drop = (replica: Replica, sources: string[]) => sources.map((s) => iptablesRule(replica, "INPUT", ["-s", s, "-j", "DROP"]));
  return applyChanges(
    ctx,
    [...ctx.victims.flatMap((v) => drop(v, fromAddresses)), ...topology.replicas[from]!.flatMap((r) => drop(r, targetAddresses))],
  );
}
