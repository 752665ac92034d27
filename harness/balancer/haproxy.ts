// A real HAProxy in front of a replicated target: Debian's haproxy packed offline into an image, a
// generated configuration in the run folder (mounted read-only), load and probes routed through it, and its
// log followed live so that every ejection and return of a replica becomes a `balancer` event.
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PassThrough } from "node:stream";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { findExecutable } from "../host/executables.ts";
import { httpGet } from "../probes/http.ts";
import { sleep } from "../contracts/time.ts";
import { InfraError } from "../contracts/errors.ts";
import type { Target } from "../scenario/scenario.ts";
import { followLogs } from "../docker/docker-api.ts";
import { saveLogs } from "../docker/logs.ts";
import { IMAGE_LABEL, runLabels, TARGET_LABEL } from "../docker/labels.ts";
import { imageLabels, packImage } from "../docker/images.ts";
import { DOCKER_PORT_TAKEN, startOnFreePort } from "../docker/ports.ts";
import { BalancerLog, describeChange } from "./events.ts";
import { haproxyConfig } from "./haproxy-config.ts";
import type { TargetsContext } from "../docker/context.ts";
const HAPROXY_IMAGE = "steadystate/haproxy:local";
const VERSION_LABEL = "steadystate.haproxy-version";
const HAPROXY_FIX = "apt-get install haproxy (the harness packs the host's haproxy into an image; no registry is needed)";

export interface Balancer {
  target: string;
  containerId: string;
  containerName: string;
  hostPort: number;
  /** http://127.0.0.1:hostPort: where load and probes for the target go. */
  url: string;
  /** Relative to the run folder. */
  config: string;
  log: string;
}

/** Packs the host's haproxy and its libraries into `steadystate/haproxy:local` unless it is current. */
export async function ensureHaproxyImage(docker: Docker): Promise<string> {
  const binary = findExecutable(["haproxy"]);
  if (!binary) throw new InfraError("haproxy is not installed on this machine (targets with `balancer: haproxy` need it)", HAPROXY_FIX);
  const { stdout } = await promisify(execFile)(binary, ["-v"]);
  const version = /version (\S+)/.exec(stdout)?.[1] ?? "unknown";
  if ((await imageLabels(docker, HAPROXY_IMAGE))?.[VERSION_LABEL] === version) return HAPROXY_IMAGE;
  try {
    await packImage(docker, {
      image: HAPROXY_IMAGE,
      binaries: [[binary, "/usr/sbin/haproxy"]],
      dirs: ["etc/haproxy"],
      changes: [`LABEL ${IMAGE_LABEL}=haproxy ${VERSION_LABEL}=${version}`, 'CMD ["/usr/sbin/haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]'],
    });
  } catch (e) {
    throw new InfraError(`could not pack haproxy into ${HAPROXY_IMAGE}: ${(e as Error).message}`, "check that `ldd` and Docker work on this machine");
  }
  return HAPROXY_IMAGE;
}

export async function startBalancer(ctx: TargetsContext, network: string, t: Target): Promise<Balancer> {
  const image = await ensureHaproxyImage(ctx.docker);
  const config = join("balancer", t.name, "haproxy.cfg");
  mkdirSync(join(ctx.runDir, "balancer", t.name), { recursive: true });
  writeFileSync(
    join(ctx.runDir, config),
    haproxyConfig({ target: t.name, port: t.port, healthPath: t.health.anyStatus ? null : t.health.path, slots: t.maxReplicas }),
  );
  const name = `ss-${ctx.runId}-${t.name}-lb`;
  const portKey = `${t.port}/tcp`;
  const { container, hostPort } = await startOnFreePort(async (hostPort) => {
    try {
      const container = await ctx.docker.createContainer({
        name,
        Image: image,
        Labels: runLabels(ctx.runId, { [TARGET_LABEL]: t.name }),
        ExposedPorts: { [portKey]: {} },
        HostConfig: {
          PortBindings: { [portKey]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] },
          Binds: [`${join(ctx.runDir, "balancer", t.name)}:/etc/haproxy:ro`],
          NetworkMode: network,
        },
        NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [`${t.name}-lb`] } } },
      });
      return { container, hostPort };
    } catch (e) {
      throw new InfraError(`could not create the balancer ${name}: ${(e as Error).message}`);
    }
  }, DOCKER_PORT_TAKEN);
  const balancer: Balancer = {
    target: t.name,
    containerId: container.id,
    containerName: name,
    hostPort,
    url: `http://127.0.0.1:${hostPort}`,
    config,
    log: `logs/${t.name}-lb.log`,
  };
  let unfollow = () => undefined as void;
  ctx.teardown.push(`remove balancer ${name}`, async () => {
    unfollow();
    await saveLogs(container, join(ctx.runDir, balancer.log)).catch(() => undefined);
    await container.remove({ force: true, v: true });
  });
  await container.start();
  unfollow = await followChanges(ctx, container);
  ctx.log(`balancer ${name} (haproxy) in front of ${t.name} on ${balancer.url}`);
  await waitAnswering(balancer, t, ctx.signal);
  return balancer;
}

/** Follows the balancer's log; each ejection or return of a replica becomes a `balancer` event. */
async function followChanges(ctx: TargetsContext, container: Docker.Container): Promise<() => void> {
  const stream = await followLogs(container, { stdout: true, stderr: true, timestamps: true });
  const lines = new PassThrough();
  container.modem.demuxStream(stream, lines, lines);
  const log = new BalancerLog();
  createInterface({ input: lines }).on("line", (line) => {
    const change = log.read(line, Date.now());
    if (change) ctx.event?.("balancer", describeChange(change), change.at);
  });
  return () => {
    stream.destroy();
    lines.end();
  };
}

/** Ready when the health path answers 2xx/3xx through the balancer (a replica is in rotation). */
async function waitAnswering(b: Balancer, t: Target, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + t.health.timeoutMs;
  let last = "no answer yet";
  while (!signal.aborted && Date.now() < deadline) {
    const r = await httpGet(b.url + t.health.path, 1_000);
    if (r.ok || (t.health.anyStatus && r.status !== undefined && r.status !== 503)) return;
    last = r.reason;
    await sleep(100, signal);
  }
  if (signal.aborted) return;
  throw new InfraError(
    `the balancer of ${t.name} (${b.containerName}) did not answer within ${t.health.timeoutMs}ms (GET ${b.url}${t.health.path}: ${last})`,
    `see ${b.log} and ${b.config} in the run folder`,
  );
}
