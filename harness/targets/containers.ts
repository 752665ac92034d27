// Starts a scenario's targets: one labelled network per run, replicas with loopback ports fixed for the run
// (so they survive restarts), each container's removal (log saved first) pushed on the teardown stack.
import { join } from "node:path";
import type Docker from "dockerode";
import { startBalancer, type Balancer } from "../balancer/haproxy.ts";
import { startLinkProxies, type LinkProxy } from "../proxy/link-proxies.ts";
import type { Target } from "../scenario/scenario.ts";
import { InfraError } from "../contracts/errors.ts";
import { waitHealthy } from "./health.ts";
import { attachContainer, urlTargetBase } from "./external.ts";
import { buildTargetImage, ensureBaseImage, requireLocalImage } from "../docker/images.ts";
import { runLabels, TARGET_LABEL } from "../docker/labels.ts";
import { saveLogs } from "../docker/logs.ts";
import { DOCKER_PORT_TAKEN, startOnFreePort } from "../docker/ports.ts";
import type { Replica } from "../docker/replica.ts";
import type { TargetsContext } from "../docker/context.ts";
export interface ReplicaReport {
  name: string;
  restarts: number;
  status: string;
  exitCode: number | null;
  log: string;
}

export interface RunningTargets {
  network: string;
  images: Record<string, string>;
  replicas: Record<string, Replica[]>;
  /** Base URLs of each target: its replicas', or a url target's. */
  urls: Record<string, string[]>;
  /** Load balancers in front of targets that have one (`balancer: haproxy`). */
  balancers: Record<string, Balancer>;
  /** Filled as containers are removed: restarts, final state and log file of each replica. */
  reports: Record<string, ReplicaReport[]>;
  /** Fault proxies answering on the names of targets others depend on. */
  links: Record<string, LinkProxy>;
}

export interface TargetsOptions {
  /**
   * Targets whose replicas a fault disconnects from the run network. Docker drops a container's published
   * ports when it leaves the network that carries them, and does not publish them again on reconnect, so
   * these replicas also join a network of their own, named to sort before the run network: libnetwork
   * publishes ports on the first endpoint by name, so the port stays on it across the partition.
   */
  portNetwork?: ReadonlySet<string>;
}

export async function startTargets(ctx: TargetsContext, targets: Record<string, Target>, opts: TargetsOptions = {}): Promise<RunningTargets> {
  const { docker } = ctx;
  const images: Record<string, string> = {};
  // Containers named by the scenario and url targets are not the run's: nothing is built, created or removed.
  const owned = Object.values(targets).filter((t) => t.container === undefined && t.url === undefined);
  if (owned.some((t) => t.buildDir)) await ensureBaseImage(docker);
  for (const t of owned) {
    ctx.log(t.buildDir ? `building ${t.name} from ${t.buildDir}` : `using image ${t.image} for ${t.name}`);
    images[t.name] = t.buildDir ? await buildTargetImage(docker, t.buildDir, t.name) : await requireLocalImage(docker, t.image!, t.name);
  }

  const network = `steadystate-${ctx.runId}`;
  await createRunNetwork(ctx, network);
  for (const t of opts.portNetwork ?? []) await createRunNetwork(ctx, portNetworkName(ctx.runId, t));

  const running: RunningTargets = { network, images, replicas: {}, urls: {}, balancers: {}, reports: {}, links: {} };
  running.links = await startLinkProxies(ctx, running.network, targets);
  for (const t of Object.values(targets)) {
    if (t.url !== undefined) running.urls[t.name] = [urlTargetBase(t)];
    if (t.container !== undefined) {
      const replica = await attachContainer(docker, t);
      ctx.log(`target ${t.name} is container ${replica.containerName} (not owned by the run: left as found)`);
      running.replicas[t.name] = [replica];
    }
  }
  for (const t of owned) {
    running.replicas[t.name] = [];
    running.reports[t.name] = [];
    for (let index = 0; index < t.replicas; index++) {
      const replica = await createReplica(ctx, running, t, index);
      if (opts.portNetwork?.has(t.name)) await docker.getNetwork(portNetworkName(ctx.runId, t.name)).connect({ Container: replica.containerId });
      running.replicas[t.name]!.push(replica);
    }
  }
  const all = Object.values(running.replicas).flat();
  for (const [name, replicas] of Object.entries(running.replicas)) running.urls[name] = replicas.map((r) => r.url);
  ctx.log(`starting ${all.filter((r) => !r.external).length} container(s) and waiting for the targets to be healthy`);
  // A target starts once the targets it depends on are ready (validation refused cycles).
  const ready: Record<string, Promise<unknown>> = {};
  const readyOf = (t: Target): Promise<unknown> =>
    (ready[t.name] ??= Promise.all(t.dependsOn.map((d) => readyOf(targets[d]!))).then(async () => {
      if (t.url !== undefined) {
        return waitHealthy(docker, { target: t.name, containerName: t.url, url: urlTargetBase(t) }, t.health, ctx.signal);
      }
      const replicas = running.replicas[t.name]!;
      if (t.dependsOn.length) ctx.log(`starting ${t.name} (${t.dependsOn.join(", ")} ready)`);
      await Promise.all(replicas.filter((r) => !r.external).map((r) => docker.getContainer(r.containerId).start()));
      await Promise.all(replicas.map((r) => waitHealthy(docker, r, t.health, ctx.signal, t.healthcheck !== undefined)));
      ctx.log(`${t.name} ready`);
    }));
  await Promise.all(Object.values(targets).map(readyOf));
  for (const t of owned) {
    if (t.balancer && !ctx.signal.aborted) running.balancers[t.name] = await startBalancer(ctx, running.network, t);
  }
  return running;
}

async function createRunNetwork(ctx: TargetsContext, name: string): Promise<void> {
  await ctx.docker.createNetwork({ Name: name, Driver: "bridge", Labels: runLabels(ctx.runId) });
  ctx.teardown.push(`remove network ${name}`, async () => {
    await ctx.docker.getNetwork(name).remove();
  });
}

/** "ss-…" sorts before the run network's "steadystate-…" (see TargetsOptions.portNetwork). */
export const portNetworkName = (runId: string, target: string) => `ss-${runId}-${target}-port`;

/** DNS names of a replica on the run network; a dependency leaves its bare name to its fault proxy. */
export function replicaAliases(target: string, index: number, isDependency: boolean): string[] {
  return isDependency ? [`${target}-${index}`] : [target, `${target}-${index}`];
}

/** Creates (does not start) replica `index` of a target on a free loopback port; its removal goes on the stack. */
export async function createReplica(ctx: TargetsContext, running: RunningTargets, t: Target, index: number): Promise<Replica> {
  const name = `ss-${ctx.runId}-${t.name}-${index}`;
  // Created before the container, so their removal (pushed first) runs after the container's.
  const volumes = await createVolumes(ctx, t, name);
  return startOnFreePort(async (hostPort) => {
    try {
      const containerId = await createContainer(ctx, running, t, index, hostPort, volumes);
      const replica: Replica = {
        target: t.name,
        index,
        containerId,
        containerName: name,
        port: t.port,
        hostPort,
        url: `http://127.0.0.1:${hostPort}`,
        ...(Object.keys(volumes).length ? { volumes } : {}),
      };
      ctx.teardown.push(`remove container ${name}`, () => removeReplica(ctx, running, replica));
      return replica;
    } catch (e) {
      throw new InfraError(`could not create container ${name}: ${(e as Error).message}`);
    }
  }, DOCKER_PORT_TAKEN);
}

/** A new container for a replica (same name, port and aliases as any earlier one); returns its id. */
export async function createContainer(
  ctx: TargetsContext,
  running: RunningTargets,
  t: Target,
  index: number,
  hostPort: number,
  volumes: Record<string, string> = {},
): Promise<string> {
  const portKey = `${t.port}/tcp`;
  const container = await ctx.docker.createContainer({
    name: `ss-${ctx.runId}-${t.name}-${index}`,
    Image: running.images[t.name],
    ...(t.command ? { Cmd: t.command } : {}),
    ...(t.healthcheck ? { Healthcheck: dockerHealthcheck(t.healthcheck) } : {}),
    Env: Object.entries(t.env).map(([k, v]) => `${k}=${v}`),
    Labels: runLabels(ctx.runId, { [TARGET_LABEL]: t.name }),
    ExposedPorts: { [portKey]: {} },
    HostConfig: {
      PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] },
      RestartPolicy: { Name: t.restart === "no" ? "" : t.restart },
      NetworkMode: running.network,
      ...(Object.keys(t.tmpfs).length ? { Tmpfs: Object.fromEntries(Object.entries(t.tmpfs).map(([path, size]) => [path, `size=${size}`])) } : {}),
      Mounts: Object.entries(t.volumes).map(([key, target]) => ({ Type: "volume", Source: volumes[key]!, Target: target })),
    },
    NetworkingConfig: { EndpointsConfig: { [running.network]: { Aliases: replicaAliases(t.name, index, t.name in running.links) } } },
  });
  return container.id;
}

const NS_PER_MS = 1_000_000;

function dockerHealthcheck(h: NonNullable<Target["healthcheck"]>): Docker.HealthConfig {
  return { Test: h.test, Interval: h.interval * NS_PER_MS, Timeout: h.timeout * NS_PER_MS, Retries: h.retries, StartPeriod: h.startPeriod * NS_PER_MS };
}

/** A volume labelled as the run's and the target's (so `cleanup` finds it); the caller removes it. */
export async function createRunVolume(ctx: TargetsContext, volume: string, target: string): Promise<void> {
  try {
    await ctx.docker.createVolume({ Name: volume, Labels: runLabels(ctx.runId, { [TARGET_LABEL]: target }) });
  } catch (e) {
    throw new InfraError(`could not create volume ${volume}: ${(e as Error).message}`);
  }
}

/** One labelled volume per declared volume of the target, named after the replica's container. */
async function createVolumes(ctx: TargetsContext, t: Target, container: string): Promise<Record<string, string>> {
  const volumes: Record<string, string> = {};
  for (const key of Object.keys(t.volumes)) {
    const volume = `${container}-${key}`;
    await createRunVolume(ctx, volume, t.name);
    ctx.teardown.push(`remove volume ${volume}`, async () => {
      await ctx.docker.getVolume(volume).remove();
    });
    volumes[key] = volume;
  }
  return volumes;
}

/** Saves the replica's log and final state, then removes its container. */
export async function removeReplica(ctx: TargetsContext, running: RunningTargets, replica: Replica): Promise<void> {
  const container = ctx.docker.getContainer(replica.containerId);
  const info = await container.inspect();
  // A replaced replica leaves one log per container: api-0.log, then api-0.1.log, …
  const earlier = running.reports[replica.target]!.filter((r) => r.name === replica.containerName).length;
  const log = `logs/${replica.target}-${replica.index}${earlier ? `.${earlier}` : ""}.log`;
  await saveLogs(container, join(ctx.runDir, log)).catch(() => undefined); // a missing log must not block the removal
  running.reports[replica.target]!.push({
    name: replica.containerName,
    restarts: info.RestartCount,
    status: info.State.Status,
    exitCode: info.State.Running ? null : info.State.ExitCode,
    log,
  });
  if (info.State.Paused) await container.unpause();
  await container.remove({ force: true, v: true });
}
