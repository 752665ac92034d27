import type Docker from "dockerode";
import { networkAddress, type Replica } from "../docker/replica.ts";
import { onEachVictim, undoParts, type FaultContext, type Undo } from "./fault.ts";
import { applyChanges, iptablesRule } from "./netns.ts";
import { dropFromSpec } from "./netns-argv.ts";
import { applyStep } from "./restore.ts";
import type { FaultRuntime } from "./fault.ts";
import type { PartitionParams } from "../specs/faults/partition.ts";
import type { ReconnectEndpoint, RestoreStep } from "../contracts/restore-steps.ts";
export const partitionRuntime: FaultRuntime<PartitionParams> = {
  inject: (ctx, p) => (p.from ? betweenTargets(ctx, p.from) : disconnect(ctx)),
};

function disconnect(ctx: FaultContext): Promise<Undo | undefined> {
  return onEachVictim(ctx, async (victim) => {
    const info = await ctx.docker.getContainer(victim.containerId).inspect();
    const networks = victim.external ? ownNetworks(info, victim) : [ctx.topology.network];
    const undos: Undo[] = [];
    const undo = undoParts(undos);
    try {
      for (const network of networks) {
        const endpoint = reconnectEndpoint(info, network);
        const step: RestoreStep = { op: "connect", container: victim.containerId, network, endpoint };
        ctx.willChange(step);
        await ctx.docker.getNetwork(network).disconnect({ Container: victim.containerId, Force: true });
        undos.push(async () => {
          await applyStep(ctx.docker, step);
          ctx.log(`connected ${victim.containerName} to ${network} again (aliases ${endpoint.Aliases.join(", ") || "none"})`);
        });
        ctx.log(`disconnected ${victim.containerName} from ${network} (aliases ${endpoint.Aliases.join(", ") || "none"})`);
      }
    } catch (e) {
      // Reported as the injection's failure; the runner replays the logged steps again.
      await undo().catch(() => undefined);
      throw e;
    }
    return undo;
  });
}

/**
 * The networks of a container the scenario names, refused when the undo could not leave it as found:
 * a shared network stack has nothing of its own to leave, and a port Docker published on a host port of
 * its choosing comes back on another one after a reconnect.
 */
function ownNetworks(info: Docker.ContainerInspectInfo, victim: Replica): string[] {
  const mode = info.HostConfig.NetworkMode ?? "";
  if (mode === "host" || mode === "none" || mode.startsWith("container:")) {
    throw new Error(`${victim.containerName} uses network mode ${mode}: it has no network of its own to be cut off from`);
  }
  const bindings = Object.entries(info.HostConfig.PortBindings ?? {}) as [string, { HostPort?: string }[] | null][];
  const picked = bindings.filter(([, bs]) => (bs ?? []).some((b) => !b.HostPort || b.HostPort === "0")).map(([port]) => port);
  if (picked.length || info.HostConfig.PublishAllPorts) {
    const ports = picked.length ? picked.join(", ") : "its ports (docker run -P)";
    throw new Error(
      `${victim.containerName} publishes ${ports} on a host port Docker picked, and Docker picks another one when it is connected again: ` +
        `publish a fixed host port (docker run -p 127.0.0.1:PORT:${victim.port}) to partition it, or use loss or reject`,
    );
  }
  const networks = Object.keys(info.NetworkSettings.Networks);
  if (!networks.length) throw new Error(`${victim.containerName} is on no network: there is nothing to cut it off from`);
  return networks;
}

/** The endpoint settings to connect with again: its aliases (without the short id Docker adds itself) and configured addresses. */
function reconnectEndpoint(info: Docker.ContainerInspectInfo, network: string): ReconnectEndpoint {
  const n = info.NetworkSettings.Networks[network];
  const ipam = n?.IPAMConfig as ReconnectEndpoint["IPAMConfig"] | null | undefined;
  const configured = ipam && (ipam.IPv4Address || ipam.IPv6Address || ipam.LinkLocalIPs?.length);
  return {
    Aliases: (n?.Aliases ?? []).filter((a: string) => !info.Id.startsWith(a)),
    ...(configured ? { IPAMConfig: ipam } : {}),
    ...(n?.Links?.length ? { Links: n.Links } : {}),
  };
}

async function betweenTargets(ctx: FaultContext, from: string): Promise<Undo> {
  const { docker, topology } = ctx;
  const target = ctx.victims[0]!.target;
  const addresses = async (replicas: readonly Replica[], side: string) => {
    const ids = [...replicas.map((r) => r.containerId), ...(topology.linkProxy(side) ? [topology.linkProxy(side)!.containerId] : [])];
    return (await Promise.all(ids.map((id) => networkAddress(docker, id, topology.network)))).filter(Boolean);
  };
  const [fromAddresses, targetAddresses] = await Promise.all([addresses(topology.replicas[from]!, from), addresses(ctx.victims, target)]);
  const drop = (replica: Replica, sources: string[]) => sources.map((s) => iptablesRule(replica, dropFromSpec(s)));
  return applyChanges(
    ctx,
    [...ctx.victims.flatMap((v) => drop(v, fromAddresses)), ...topology.replicas[from]!.flatMap((r) => drop(r, targetAddresses))],
  );
}
