// Fault proxies between targets: for each target another one `dependsOn`, a proxy container on the run
// network answers on the dependency's name and port and forwards to its replicas (`NAME-<index>`), so
// dependents reach it through the proxy with no configuration change. Controlled over its API, published
// on 127.0.0.1 and answering only calls with the run's token (other containers on the network reach it
// too); labelled like every run container and removed (log saved first) on teardown.
import { join } from "node:path";
import type Docker from "dockerode";
import { sleep } from "../contracts/time.ts";
import { InfraError } from "../contracts/errors.ts";
import type { Target } from "../scenario/scenario.ts";
import { saveLogs } from "../docker/logs.ts";
import { runLabels } from "../docker/labels.ts";
import { freePort } from "../docker/ports.ts";
import { CONTROL_PORT, newControlToken, ProxyControlClient } from "./control.ts";
import { ensureProxyImage } from "./image.ts";
import type { TargetsContext } from "../docker/context.ts";
export const PROXY_LABEL = "steadystate.proxy";
const READY_TIMEOUT_MS = 10_000;

export interface LinkProxy {
  /** The dependency it stands in for. */
  target: string;
  containerId: string;
  containerName: string;
  control: ProxyControlClient;
}

/** Targets some other target depends on: each gets a link proxy, and its replicas give up the bare name. */
export function dependencies(targets: Record<string, Pick<Target, "dependsOn">>): Set<string> {
  return new Set(Object.values(targets).flatMap((t) => t.dependsOn));
}

/** Creates and starts the link proxies (before the targets start, so a dependent never sees the real name). */
export async function startLinkProxies(ctx: TargetsContext, network: string, targets: Record<string, Target>): Promise<Record<string, LinkProxy>> {
  const deps = [...dependencies(targets)];
  if (!deps.length) return {};
  const image = await ensureProxyImage(ctx.docker);
  // One token for the run, held by the clients only: never logged nor written to the run folder.
  const token = newControlToken();
  const links: Record<string, LinkProxy> = {};
  for (const name of deps) {
    const t = targets[name]!;
    ctx.log(`starting the fault proxy answering as ${name}:${t.port}`);
    links[name] = await startLinkProxy(ctx, network, image, t, token);
  }
  await Promise.all(Object.values(links).map((l) => waitReady(ctx.docker, l, ctx.signal)));
  return links;
}

async function startLinkProxy(ctx: TargetsContext, network: string, image: string, t: Target, token: string): Promise<LinkProxy> {
  const name = `ss-${ctx.runId}-${t.name}-proxy`;
  const controlKey = `${CONTROL_PORT}/tcp`;
  const upstreams = Array.from({ length: t.replicas }, (_, i) => `${t.name}-${i}:${t.port}`).join(",");
  const hostPort = await freePort();
  let container: Docker.Container;
  try {
    container = await ctx.docker.createContainer({
      name,
      Image: image,
      Env: [`LISTEN_PORT=${t.port}`, `UPSTREAMS=${upstreams}`, `CONTROL_PORT=${CONTROL_PORT}`, `CONTROL_TOKEN=${token}`],
      Labels: runLabels(ctx.runId, { [PROXY_LABEL]: t.name }),
      ExposedPorts: { [controlKey]: {} },
      HostConfig: {
        // Published on the host's loopback only: no other machine reaches the control API.
        PortBindings: { [controlKey]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] },
        NetworkMode: network,
      },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [t.name] } } },
    });
  } catch (e) {
    throw new InfraError(`could not create the fault proxy ${name}: ${(e as Error).message}`);
  }
  ctx.teardown.push(`remove fault proxy ${name}`, async () => {
    await saveLogs(container, join(ctx.runDir, "logs", `${t.name}-proxy.log`)).catch(() => undefined);
    await container.remove({ force: true, v: true });
  });
  await container.start();
  return { target: t.name, containerId: container.id, containerName: name, control: new ProxyControlClient(`http://127.0.0.1:${hostPort}`, token) };
}

/** Why the control API does not answer yet ("ECONNREFUSED", …), or undefined once it does. */
function notAnswering(control: ProxyControlClient): Promise<string | undefined> {
  return control.stats().then(
    () => undefined,
    (e: Error & { cause?: { code?: string } }) => e.cause?.code ?? e.message,
  );
}

async function waitReady(docker: Docker, link: LinkProxy, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "no answer yet";
  while (!signal.aborted && Date.now() < deadline) {
    const reason = await notAnswering(link.control);
    if (reason === undefined) return;
    last = reason;
    const state = (await docker.getContainer(link.containerId).inspect()).State;
    if (!state.Running) break;
    await sleep(100, signal);
  }
  if (signal.aborted) return;
  throw new InfraError(
    `the fault proxy ${link.containerName} did not answer on its control port within ${READY_TIMEOUT_MS}ms (${last})`,
    `see logs/${link.target}-proxy.log in the run folder`,
  );
}
