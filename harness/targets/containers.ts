// Starts a scenario's targets: one labelled network per run, replicas with loopback ports fixed for the run
// (so they survive restarts), each container's removal (log saved first) pushed on the teardown stack.
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type Docker from "dockerode";
import type { Teardown } from "../run/teardown.ts";
import type { Target } from "../scenario/validate.ts";
import { InfraError } from "../scenario/errors.ts";
import { waitHealthy } from "./health.ts";
import { buildTargetImage, ensureBaseImage, requireLocalImage } from "./images.ts";
import { runLabels, TARGET_LABEL } from "./labels.ts";
import { freePort } from "./ports.ts";
import type { Replica } from "./replica.ts";

export interface TargetsContext {
  docker: Docker;
  runId: string;
  runDir: string;
  teardown: Teardown;
  signal: AbortSignal;
  log(message: string): void;
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
  /** Filled as containers are removed: restarts, final state and log file of each replica. */
  reports: Record<string, ReplicaReport[]>;
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

  const running: RunningTargets = { network, images, replicas: {}, reports: {} };
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
  return running;
}

async function createReplica(ctx: TargetsContext, running: RunningTargets, t: Target, index: number): Promise<Replica> {
  const name = `ss-${ctx.runId}-${t.name}-${index}`;
  const portKey = `${t.port}/tcp`;
  // Created before the container, so their removal (pushed first) runs after the container's.
  const volumes = await createVolumes(ctx, t, name);
  for (let attempt = 1; ; attempt++) {
    const hostPort = await freePort();
    try {
      const container = await ctx.docker.createContainer({
        name,
        Image: running.images[t.name],
        ...(t.command ? { Cmd: t.command } : {}),
        Env: Object.entries(t.env).map(([k, v]) => `${k}=${v}`),
        Labels: runLabels(ctx.runId, { [TARGET_LABEL]: t.name }),
        ExposedPorts: { [portKey]: {} },
        HostConfig: {
          PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] },
          RestartPolicy: { Name: t.restart === "no" ? "" : t.restart },
          NetworkMode: running.network,
          Mounts: Object.entries(t.volumes).map(([key, target]) => ({ Type: "volume", Source: volumes[key]!, Target: target })),
        },
        NetworkingConfig: { EndpointsConfig: { [running.network]: { Aliases: [t.name, `${t.name}-${index}`] } } },
      });
      const replica: Replica = {
        target: t.name,
        index,
        containerId: container.id,
        containerName: name,
        hostPort,
        url: `http://127.0.0.1:${hostPort}`,
        ...(Object.keys(volumes).length ? { volumes } : {}),
      };
      ctx.teardown.push(`remove container ${name}`, () => removeReplica(ctx, running, replica));
      return replica;
    } catch (e) {
      if (attempt < 3 && /port is already allocated|address already in use/i.test((e as Error).message)) continue;
      throw new InfraError(`could not create container ${name}: ${(e as Error).message}`);
    }
  }
}

/** One labelled volume per declared volume of the target, named after the replica's container. */
async function createVolumes(ctx: TargetsContext, t: Target, container: string): Promise<Record<string, string>> {
  const volumes: Record<string, string> = {};
  for (const key of Object.keys(t.volumes)) {
    const volume = `${container}-${key}`;
    try {
      await ctx.docker.createVolume({ Name: volume, Labels: runLabels(ctx.runId, { [TARGET_LABEL]: t.name }) });
    } catch (e) {
      throw new InfraError(`could not create volume ${volume}: ${(e as Error).message}`);
    }
    ctx.teardown.push(`remove volume ${volume}`, async () => {
      await ctx.docker.getVolume(volume).remove();
    });
    volumes[key] = volume;
  }
  return volumes;
}

async function removeReplica(ctx: TargetsContext, running: RunningTargets, replica: Replica): Promise<void> {
  const container = ctx.docker.getContainer(replica.containerId);
  const info = await container.inspect();
  const logDir = join(ctx.runDir, "logs");
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${replica.target}-${replica.index}.log`);
  await saveLogs(container, log).catch(() => undefined); // a missing log must not block the removal
  running.reports[replica.target]!.push({
    name: replica.containerName,
    restarts: info.RestartCount,
    status: info.State.Status,
    exitCode: info.State.Running ? null : info.State.ExitCode,
    log: `logs/${replica.target}-${replica.index}.log`,
  });
  if (info.State.Paused) await container.unpause();
  await container.remove({ force: true, v: true });
}

/** The container's whole log (all restarts, stdout and stderr, with timestamps) into one file. */
async function saveLogs(container: Docker.Container, file: string): Promise<void> {
  const raw = (await container.logs({ stdout: true, stderr: true, timestamps: true, follow: false })) as unknown as Buffer;
  const out = createWriteStream(file);
  const sink = new Writable({ write: (chunk, _enc, cb) => (out.write(chunk), cb()) });
  const source = Readable.from([raw]);
  container.modem.demuxStream(source, sink, sink);
  await finished(source);
  out.end();
  await finished(out);
}
