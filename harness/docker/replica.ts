import type Docker from "dockerode";

/** One running container of a target, as faults, load and probes see it. */
export interface Replica {
  target: string;
  /** 0-based replica number. */
  index: number;
  containerId: string;
  containerName: string;
  /** The target's HTTP port inside the container. */
  port: number;
  /** Loopback port published for the target's HTTP port, fixed for the run so it survives restarts. */
  hostPort: number;
  /** http://127.0.0.1:hostPort */
  url: string;
  /** A container the scenario names (`targets.NAME.container`): the run did not create it and must leave it as found. */
  external?: boolean;
  /** Docker volume of this replica for each of the target's `volumes` (name → Docker volume name). */
  volumes?: Record<string, string>;
}

/** PID of the container's main process on the host (0 when it is not running). */
export async function hostPid(docker: Docker, replica: Replica): Promise<number> {
  const info = await docker.getContainer(replica.containerId).inspect();
  if (!info.State.Running || !info.State.Pid) {
    throw new Error(`${replica.containerName} is not running (state: ${info.State.Status})`);
  }
  return info.State.Pid;
}

/** A container's IPv4 address on a network ("" when it is not attached). */
export async function networkAddress(docker: Docker, containerId: string, network: string): Promise<string> {
  const info = await docker.getContainer(containerId).inspect();
  return info.NetworkSettings.Networks[network]?.IPAddress ?? "";
}
