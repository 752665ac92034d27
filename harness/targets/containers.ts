// Starts a scenario's targets: one labelled network per run, replicas with loopback ports fixed for the run
// (so they survive restarts), each container's removal (log saved first) pushed on the teardown stack.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type Docker from "dockerode";
import type { Teardown } from "../run/teardown.ts";
import type { Target } from "../scenario/validate.ts";
import { InfraError } from "../scenario/errors.ts";
import { waitHealthy } from "./health.ts";
import { buildTargetImage, ensureBaseImage, requireLocalImage } from "./images.ts";
import { runLabels, TARGET_LABEL } from "./labels.ts";
import { saveLogs } from "./logs.ts";
import { freePort } from "./ports.ts";
import type { Replica } from "./replica.ts";
import { startBalancer, type Balancer } from "../balancer/haproxy.ts";

export interface TargetsContext {
  docker: Docker;
  runId: string;
  runDir: string;
  teardown: Teardown;
  signal: AbortSignal;
  log(message: string): void;
  /** A timeline event of another type (e.g. `balancer`), at a given time when it is known exactly. */
  event?(type: string, message: string, at?: number): void;
}

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
  /** Load balancers in front of targets that have one (`balancer: haproxy`). */
  balancers: Record<string, Balancer>;
  /** Filled as containers are removed: restarts, final state and log file of each replica. */
  reports: Record<string, ReplicaReport[]>;
}

/** Where traffic for a target goes: its balancer when it has one, otherwise each replica. */
export function entryUrls(running: RunningTargets, target: string): string[] {
  const balancer = running.balancers[target];
  return balancer ? [balancer.url] : running.replicas[target]!.map((r) => r.url);
}

export async function startTargets(ctx: TargetsContext, targets: Record<string, Target>): Promise<RunningTargets> {
  const { docker } = ctx;
  const images: Record<string, string> = {};
  if (Object.values(targets).some((t) => t.buildDir)) await ensureBaseImage(docker);
  for (const t of Object.values(targets)) {
    ctx.log(t.buildDir ? `building ${t.name} from ${t.buildDir}` : `using image ${t.image} for ${t.name}`);
    images[t.name] = t.buildDir ? await buildTargetImage(docker, t.buildDir, t.name) : await requireLocalImage(docker, t.image!, t.name);
  }

  const network = `steadystate-${ctx.runId}`;
  await docker.createNetwork({ Name: network, Driver: "bridge", Labels: runLabels(ctx.runId) });
  ctx.teardown.push(`remove network ${network}`, async () => {
    await docker.getNetwork(network).remove();
  });

  const running: RunningTargets = { network, images, replicas: {}, balancers: {}, reports: {} };
  for (const t of Object.values(targets)) {
    running.replicas[t.name] = [];
    running.reports[t.name] = [];
    for (let index = 0; index < t.replicas; index++) {
      const replica = await createReplica(ctx, running, t, index);
      running.replicas[t.name]!.push(replica);
    }
  }
  const all = Object.values(running.replicas).flat();
  await Promise.all(all.map((r) => docker.getContainer(r.containerId).start()));
  ctx.log(`waiting for ${all.length} container(s) to be healthy`);
  await Promise.all(all.map((r) => waitHealthy(docker, r, targets[r.target]!.health, ctx.signal)));
  for (const t of Object.values(targets)) {
    if (t.balancer && !ctx.signal.aborted) running.balancers[t.name] = await startBalancer(ctx, running, t);
  }
  return running;
}

/** Creates (does not start) replica `index` of a target on a free loopback port; its removal goes on the stack. */
export async function createReplica(ctx: TargetsContext, running: RunningTargets, t: Target, index: number): Promise<Replica> {
  const name = `ss-${ctx.runId}-${t.name}-${index}`;
  for (let attempt = 1; ; attempt++) {
    const hostPort = await freePort();
    try {
      const containerId = await createContainer(ctx, running, t, index, hostPort);
      const replica: Replica = { target: t.name, index, containerId, containerName: name, hostPort, url: `http://127.0.0.1:${hostPort}` };
      ctx.teardown.push(`remove container ${name}`, () => removeReplica(ctx, running, replica));
      return replica;
    } catch (e) {
      if (attempt < 3 && /port is already allocated|address already in use/i.test((e as Error).message)) continue;
      throw new InfraError(`could not create container ${name}: ${(e as Error).message}`);
    }
  }
}

/** A new container for a replica (same name, port and aliases as any earlier one); returns its id. */
export async function createContainer(ctx: TargetsContext, running: RunningTargets, t: Target, index: number, hostPort: number): Promise<string> {
  const portKey = `${t.port}/tcp`;
  const container = await ctx.docker.createContainer({
    name: `ss-${ctx.runId}-${t.name}-${index}`,
    Image: running.images[t.name],
    ...(t.command ? { Cmd: t.command } : {}),
    Env: Object.entries(t.env).map(([k, v]) => `${k}=${v}`),
    Labels: runLabels(ctx.runId, { [TARGET_LABEL]: t.name }),
    ExposedPorts: { [portKey]: {} },
    HostConfig: {
      PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] },
      RestartPolicy: { Name: t.restart === "no" ? "" : t.restart },
      NetworkMode: running.network,
    },
    NetworkingConfig: { EndpointsConfig: { [running.network]: { Aliases: [t.name, `${t.name}-${index}`] } } },
  });
  return container.id;
}

/** Saves the replica's log and final state, then removes its container. */
export async function removeReplica(ctx: TargetsContext, running: RunningTargets, replica: Replica): Promise<void> {
  const container = ctx.docker.getContainer(replica.containerId);
  const info = await container.inspect();
  const logDir = join(ctx.runDir, "logs");
  mkdirSync(logDir, { recursive: true });
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
