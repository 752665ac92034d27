// Targets the run does not own. A `container:` target is an already-running container, found by name,
// reached through the port it publishes on the host: faults may hit it, the run never creates or removes
// it, and leaves it running and unpaused as found. A `url:` target is only an address for load and probes.
import type Docker from "dockerode";
import { InfraError } from "../contracts/errors.ts";
import type { Target } from "../scenario/scenario.ts";
import { isNotFound } from "../docker/docker.ts";
import type { Replica } from "../docker/replica.ts";

export async function attachContainer(docker: Docker, t: Target): Promise<Replica> {
  const name = t.container!;
  let info: Docker.ContainerInspectInfo;
  try {
    info = await docker.getContainer(name).inspect();
  } catch (e) {
    if (!isNotFound(e)) throw e;
    throw new InfraError(`target ${t.name}: there is no container named ${name}`, `start it first, or fix targets.${t.name}.container`);
  }
  if (!info.State.Running || info.State.Paused) {
    throw new InfraError(
      `target ${t.name}: container ${name} is ${info.State.Paused ? "paused" : info.State.Status}, not running`,
      `start (or unpause) ${name} before the run: the run leaves it as it found it`,
    );
  }
  const bindings = info.NetworkSettings.Ports?.[`${t.port}/tcp`] ?? [];
  // A port published on every address (0.0.0.0, ::) is reachable on loopback too.
  const binding = bindings.find((b) => ["127.0.0.1", "0.0.0.0", "", "::"].includes(b.HostIp));
  if (!binding) {
    throw new InfraError(
      `target ${t.name}: container ${name} does not publish port ${t.port} on this machine's loopback`,
      `publish it (docker run -p 127.0.0.1::${t.port} …), or give the target url: http://127.0.0.1:PORT`,
    );
  }
  const hostPort = Number(binding.HostPort);
  return {
    target: t.name,
    index: 0,
    containerId: info.Id,
    containerName: info.Name.replace(/^\//, ""),
    port: t.port!,
    hostPort,
    url: `http://127.0.0.1:${hostPort}`,
    external: true,
  };
}

/** Base URL of a url target (no trailing slash, so paths append as for replicas). */
export function urlTargetBase(t: Target): string {
  return new URL(t.url!).origin;
}
