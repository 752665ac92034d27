// Removes what runs left behind (after a SIGKILL, say): only objects labelled steadystate.run (containers,
// networks, volumes), optionally of one run. Paused containers are unpaused first so their processes end
// cleanly. Host processes a run started (Prometheus, Alertmanager) carry the run id in their environment
// and are ended too. Without a run id, runs still in progress on this host (their harness process alive)
// are left alone: naming one removes it anyway.
import type Docker from "dockerode";
import { PID_LABEL, RUN_LABEL } from "../docker/labels.ts";
import { hostRunProcesses } from "../host/processes.ts";
import { isHarnessAlive } from "../host/run-owner.ts";

export interface SkippedRun {
  runId: string;
  pid: number;
}

export interface CleanupResult {
  containers: string[];
  networks: string[];
  processes: number[];
  volumes: string[];
  /** Runs left alone because their harness process is still alive (only without a run id). */
  skipped: SkippedRun[];
  errors: string[];
}

/** One object a run created: its run id and, when recorded, the pid of the harness process that made it. */
export interface Owned {
  runId: string;
  pid?: number;
}

/**
 * The runs still in progress among these objects: one whose harness pid is alive marks its whole run
 * alive. Objects without a pid (made by versions that did not record it) say nothing either way.
 */
export function liveRuns(objects: readonly Owned[], alive: (pid: number) => boolean): SkippedRun[] {
  const runs = new Map<string, number>();
  for (const o of objects) if (o.pid !== undefined && !runs.has(o.runId) && alive(o.pid)) runs.set(o.runId, o.pid);
  return [...runs].map(([runId, pid]) => ({ runId, pid }));
}

const owned = (labels: Record<string, string> | undefined): Owned => {
  const pid = Number(labels?.[PID_LABEL]);
  return { runId: labels?.[RUN_LABEL] ?? "", ...(Number.isInteger(pid) && pid > 0 ? { pid } : {}) };
};

export async function cleanup(docker: Docker, runId?: string): Promise<CleanupResult> {
  const filters = JSON.stringify({ label: [runId ? `${RUN_LABEL}=${runId}` : RUN_LABEL] });
  const result: CleanupResult = { containers: [], networks: [], processes: [], volumes: [], skipped: [], errors: [] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  const processes = hostRunProcesses(runId);
  if (runId === undefined) {
    const objects = [
      ...containers.map((c) => owned(c.Labels)),
      ...networks.map((n) => owned(n.Labels)),
      ...volumes.map((v) => owned(v.Labels)),
      ...processes.map((p) => ({ runId: p.runId, ...(p.harnessPid === undefined ? {} : { pid: p.harnessPid }) })),
    ];
    result.skipped = liveRuns(objects, isHarnessAlive);
  }
  const skipped = new Set(result.skipped.map((s) => s.runId));
  const removable = (labels: Record<string, string> | undefined) => !skipped.has(owned(labels).runId);

  for (const p of processes.filter((x) => !skipped.has(x.runId))) {
    try {
      process.kill(p.pid, "SIGTERM");
      result.processes.push(p.pid);
    } catch (e) {
      result.errors.push(`process ${p.pid}: ${(e as Error).message}`);
    }
  }
  for (const c of containers.filter((x) => removable(x.Labels))) {
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
  for (const n of networks.filter((x) => removable(x.Labels))) {
    try {
      await docker.getNetwork(n.Id).remove();
      result.networks.push(n.Name);
    } catch (e) {
      result.errors.push(`network ${n.Name}: ${(e as Error).message}`);
    }
  }
  // Volumes last: a volume cannot be removed while a container still uses it.
  for (const v of volumes.filter((x) => removable(x.Labels))) {
    try {
      await docker.getVolume(v.Name).remove();
      result.volumes.push(v.Name);
    } catch (e) {
      result.errors.push(`volume ${v.Name}: ${(e as Error).message}`);
    }
  }
  return result;
}
