// The backup-restore drill (`drill: backup-restore` on an acked-writes check): once every write has been
// read back, copy each volume of the target into a backup volume, destroy the target (containers and
// volumes), recreate the volumes from the backups, start the target again with the same config and read
// every write back once more. A backup that misses data (a store writing outside its volume, say) shows
// as acknowledged writes lost after the restore; how long the restore took is the time to restore.
import { createContainer, createRunVolume, removeReplica } from "../targets/containers.ts";
import { waitHealthy } from "../targets/health.ts";
import type { Replica } from "../docker/replica.ts";
import { copyVolume } from "../targets/volume-copy.ts";
import type { CheckHost } from "./check.ts";
import type { ReadBack } from "./read-back.ts";
import type { ReadBackCounts, RestoreDrillRecord } from "../contracts/journal.ts";

// Bounds each volume copy; the fixture's volumes copy in well under a second.
const COPY_TIMEOUT_MS = 120_000;

export interface DrillContext {
  host: CheckHost;
  signal: AbortSignal;
  event(type: string, message: string): void;
  /** Reads every write of the check back (as after recovery). */
  readBack(signal: AbortSignal): Promise<{ counts: ReadBackCounts; r: ReadBack }>;
}

const backupOf = (volume: string) => `${volume}-backup`;
const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)}s`;

export async function runBackupRestoreDrill(ctx: DrillContext): Promise<RestoreDrillRecord> {
  const { docker, runId, teardown } = ctx.host.targets;
  const t = ctx.host.target;
  const replicas = ctx.host.running.replicas[t.name]!;
  const record: RestoreDrillRecord = { kind: "backup-restore", volumes: [], startedAt: Date.now(), backupMs: null, restoreMs: null, totalMs: null, verify: null, lost: null, lostKeys: [] };
  const started = performance.now();
  try {
    // Backups are taken while the target runs (no write is in flight: the check's writes ended with the
    // load), as a hot backup would be; every write of the check precedes them, so each must come back.
    for (const r of replicas) {
      for (const volume of Object.values(r.volumes ?? {})) {
        const backup = backupOf(volume);
        await createRunVolume(ctx.host.targets, backup, t.name);
        teardown.push(`remove backup volume ${backup}`, async () => {
          await docker.getVolume(backup).remove();
        });
        await copyVolume({ docker, runId, teardown, from: volume, to: backup, timeoutMs: COPY_TIMEOUT_MS, signal: ctx.signal });
        record.volumes.push({ volume, backup });
      }
    }
    const backedUp = performance.now();
    record.backupMs = Math.round(backedUp - started);
    ctx.event("check", `backup-restore: ${record.volumes.length} volume(s) of ${t.name} backed up in ${seconds(record.backupMs)}`);
    if (ctx.signal.aborted) throw new Error("interrupted before the restore");

    const destroyed = performance.now();
    // Not interruptible: once a replica is removed its container and volumes are recreated, so that the
    // teardown stack (which removes them by the replica's current container and by volume name) finds them.
    for (const r of replicas) await destroyAndRecreate(ctx, r);
    if (ctx.signal.aborted) throw new Error("interrupted before the restored target started");
    await Promise.all(replicas.map((r) => docker.getContainer(r.containerId).start()));
    await Promise.all(replicas.map((r) => waitHealthy(docker, r, t.health, ctx.signal, t.healthcheck !== undefined)));
    if (ctx.signal.aborted) throw new Error("interrupted before the restored target was healthy");
    record.restoreMs = Math.round(performance.now() - destroyed);
    // The sum of the rounded parts (and the pause between them), so that total ≥ backup + restore holds exactly.
    record.totalMs = record.backupMs + Math.round(destroyed - backedUp) + record.restoreMs;
    ctx.event("check", `backup-restore: ${t.name} destroyed and restored from the backup, healthy after ${seconds(record.restoreMs)}`);

    const { counts, r } = await ctx.readBack(ctx.signal);
    record.verify = counts;
    record.lostKeys = r.lostKeys;
    if (ctx.signal.aborted) throw new Error("read-back after the restore interrupted");
    if (r.unreadable) throw new Error(`${r.unreadable} key(s) could not be read back after the restore`);
    record.lost = r.lost;
  } catch (e) {
    record.error = (e as Error).message;
  }
  return record;
}

/** Removes a replica's container and volumes, recreates the volumes from their backups, then the container. */
async function destroyAndRecreate(ctx: DrillContext, r: Replica): Promise<void> {
  const { docker, runId, teardown } = ctx.host.targets;
  await removeReplica(ctx.host.targets, ctx.host.running, r);
  for (const volume of Object.values(r.volumes ?? {})) {
    await docker.getVolume(volume).remove();
    await createRunVolume(ctx.host.targets, volume, ctx.host.target.name);
    await copyVolume({ docker, runId, teardown, from: backupOf(volume), to: volume, timeoutMs: COPY_TIMEOUT_MS });
  }
  // Same name, port, aliases and volumes: load, probes and the teardown stack follow the new container.
  r.containerId = await createContainer(ctx.host.targets, ctx.host.running, ctx.host.target, r.index, r.hostPort, r.volumes);
}
