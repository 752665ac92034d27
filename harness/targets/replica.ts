import type Docker from "dockerode";

/** One running container of a target, as faults, load and probes see it. */
export interface Replica {
  target: string;
  /** 0-based replica number. */
  index: number;
  containerId: string;
  containerName: string;
  /** Loopback port published for the target's HTTP port, fixed for the run so it survives restarts. */
  hostPort: number;
  /** http://127.0.0.1:hostPort */
  url: string;
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
