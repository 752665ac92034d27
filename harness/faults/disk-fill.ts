import { existsSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { InfraError } from "../contracts/errors.ts";
import { formatSize } from "../contracts/units.ts";
import { overlayUpperDir } from "../docker/docker-api.ts";
import { hostPid, type Replica } from "../docker/replica.ts";
import type Docker from "dockerode";
import { containerCgroups } from "./cgroup.ts";
import { writeInCgroups } from "./cgroup-helper.ts";
import { onEachVictim } from "./fault.ts";
import { applyStep } from "./restore.ts";
import type { FaultRuntime } from "./fault.ts";
import type { DiskFillParams } from "../specs/faults/disk-fill.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
const TMPFS_MAGIC = 0x01021994;
const WRITE_TIMEOUT_MS = 60_000;

export const diskFillRuntime: FaultRuntime<DiskFillParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const where = await fillLocation(ctx.docker, victim, p.path);
      const fs = statfsSync(where.writeDir);
      if (fs.type !== TMPFS_MAGIC && !p.allowHostDisk) {
        throw new InfraError(
          `disk-fill of ${p.path} in ${victim.containerName} would fill ${where.writeDir}, a disk the Docker host shares with every container and itself`,
          `mount a tmpfs in the target (targets.${victim.target}.tmpfs: { ${p.path}: 64m }) and fill that, or set allowHostDisk: true on the fault`,
        );
      }
      const total = fs.blocks * fs.bsize;
      const free = fs.bfree * fs.bsize;
      const wanted = "bytes" in p.size ? p.size.bytes : Math.max(0, Math.ceil(p.size.percent * total) - (total - free));
      const name = fillName(ctx.tag);
      const step: RestoreStep = { op: "remove", container: victim.containerId, path: join(where.removeDir, name) };
      ctx.willChange(step);
      const undo = () => applyStep(ctx.docker, step);
      try {
        const cg = await containerCgroups(ctx.docker, victim);
        const r = await writeInCgroups(ctx, cg, join(where.writeDir, name), { bytes: wanted, timeoutMs: WRITE_TIMEOUT_MS });
        const left = statfsSync(where.writeDir).bfree * fs.bsize;
        ctx.log(`filled ${p.path} of ${victim.containerName} (${where.kind}): ${r.full ? "full" : `${formatSize(wanted, "binary")} written`}, ${formatSize(left, "binary")} free`);
      } catch (e) {
        await undo();
        throw e;
      }
      return undo;
    }),
};

/** The fill file of one injection (its tag). */
export const fillName = (tag: string) => `.steadystate-fill-${tag}`;

interface FillLocation {
  kind: "writable layer" | "volume" | "tmpfs";
  /** Host path of the folder to write into. */
  writeDir: string;
  /** Host path of the same folder that stays valid across restarts (where the undo deletes the file). */
  removeDir: string;
}

/** Where `path` of the container lives on the host: its tmpfs, a volume or bind mount, or the writable layer. */
async function fillLocation(docker: Docker, victim: Replica, path: string): Promise<FillLocation> {
  const info = await docker.getContainer(victim.containerId).inspect();
  const under = (dest: string) => dest === "/" || path === dest || path.startsWith(dest.replace(/\/$/, "") + "/");
  const mounts = [
    ...Object.keys(info.HostConfig.Tmpfs ?? {}).map((dest) => ({ dest, type: "tmpfs", source: "" })),
    ...(info.Mounts ?? []).map((m) => ({ dest: m.Destination, type: m.Type as string, source: m.Source })),
  ]
    .filter((m) => under(m.dest))
    .sort((a, b) => b.dest.length - a.dest.length);
  const mount = mounts[0];
  const inContainer = async () => join(`/proc/${await hostPid(docker, victim)}/root`, path);
  if (mount?.type === "tmpfs") {
    // A tmpfs lives and dies with the container's processes: reach it through them.
    const dir = await inContainer();
    return { kind: "tmpfs", writeDir: dir, removeDir: dir };
  }
  if (mount) {
    const dir = join(mount.source, path.slice(mount.dest.length));
    return { kind: "volume", writeDir: dir, removeDir: dir };
  }
  const upper = overlayUpperDir(info);
  if (!upper) {
    throw new InfraError(
      `disk-fill of ${victim.containerName}'s writable layer needs the overlay2 storage driver (this engine uses ${info.GraphDriver?.Name ?? "an unknown one"})`,
      "fill a volume or tmpfs path of the container instead (path: /data)",
    );
  }
  // Folders of lower layers exist in the upper one only once changed: write through the container's view
  // then (the file lands in the upper layer all the same), and undo through the upper layer.
  const removeDir = join(upper, path);
  return { kind: "writable layer", writeDir: existsSync(removeDir) ? removeDir : await inContainer(), removeDir };
}
