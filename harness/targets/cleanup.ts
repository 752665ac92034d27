// Removes what runs left behind (after a SIGKILL, say): only objects labelled steadystate.run (containers,
// networks, volumes), optionally of one run. Paused containers are unpaused first so their processes end
// cleanly. Host processes a run started (Prometheus, Alertmanager) carry the run id in their environment
// and are ended too.
import type Docker from "dockerode";
import { RUN_LABEL } from "./labels.ts";
import { runProcesses } from "../host/processes.ts";

export interface CleanupResult {
  containers: string[];
  networks: string[];
  processes: number[];
  volumes: string[];
  errors: string[];
}

export async function cleanup(docker: Docker, runId?: string): Promise<CleanupResult> {
  const filters = JSON.stringify({ label: [runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL] });
  const result: CleanupResult = { containers: [], networks: [], processes: [], volumes: [], errors: [] };
  for (const pid of runProcesses(runId)) {
    try {
      process.kill(pid, "SIGTERM");
      result.processes.push(pid);
    } catch (e) {
      result.errors.push(`process ${pid}: ${(e as Error).message}`);
    }
  }
  for (const c of await docker.listContainers({ all: true, filters })) {
    const name = c.Names[0]?.replace(/^\//, "") ?? c.Id;
    try {
      const container = docker.getContainer(c.Id);
      if (c.State === "paused") await container.unpause();
      await container.remove({ force: true, v: true });
      result.containers.push(name);
    } catch (e) {
      result.errors.push(`container ${name}: ${(e as Error).message}`);
    }
  }
  for (const n of await docker.listNetworks({ filters })) {
    try {
      await docker.getNetwork(n.Id).remove();
      result.networks.push(n.Name);
    } catch (e) {
      result.errors.push(`network ${n.Name}: ${(e as Error).message}`);
    }
  }
  // Volumes last: a volume cannot be removed while a container still uses it.
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    try {
      await docker.getVolume(v.Name).remove();
      result.volumes.push(v.Name);
    } catch (e) {
      result.errors.push(`volume ${v.Name}: ${(e as Error).message}`);
    }
  }
  return result;
}
