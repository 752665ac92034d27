// The run's layout as faults see it, and which targets the load and probes must reach through host-side
// fault proxies (those with proxy faults that do not name a `from`).
import type { Topology } from "../faults/fault.ts";
import type { HostProxy, HostProxyNeeds } from "../proxy/host-proxies.ts";
import type { Target } from "../scenario/scenario.ts";
import type { RunningTargets } from "../targets/containers.ts";
import type { PlannedFault } from "./schedule.ts";

export function hostProxyNeeds(plan: readonly PlannedFault[]): HostProxyNeeds {
  const needs: HostProxyNeeds = {};
  for (const p of plan) {
    if (!p.kind.proxy || p.spec.from !== undefined) continue;
    needs[p.spec.target] = { http: (needs[p.spec.target]?.http ?? false) || p.kind.proxy === "http" };
  }
  return needs;
}

/** Targets the run starts that some fault disconnects from the run network (a named container is not on it). */
export function detachedTargets(plan: readonly PlannedFault[], targets: Readonly<Record<string, Pick<Target, "container">>>): Set<string> {
  return new Set(plan.filter((p) => p.kind.detaches?.(p.spec) && targets[p.spec.target]?.container === undefined).map((p) => p.spec.target));
}

export function runTopology(targets: RunningTargets, hostProxies: ReadonlyMap<string, HostProxy>): Topology {
  return {
    network: targets.network,
    replicas: targets.replicas,
    hostProxy: (replica) => hostProxies.get(replica.containerId),
    linkProxy: (target) => targets.links[target],
  };
}

/**
 * Where the load, probes and journeys send a target's traffic: its load balancer when it has one, else its
 * replicas, through their host-side fault proxies when they have them.
 */
export function trafficUrls(targets: RunningTargets, hostProxies: ReadonlyMap<string, HostProxy>, target: string): string[] {
  const balancer = targets.balancers[target];
  if (balancer) return [balancer.url];
  const replicas = targets.replicas[target];
  if (!replicas) return targets.urls[target]!; // a url target: no container, hence no proxy
  return replicas.map((r) => hostProxies.get(r.containerId)?.url ?? r.url);
}
