import { closeSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { InfraError } from "../contracts/errors.ts";
import { formatSize } from "../contracts/units.ts";
import { overlayUpperDir } from "../docker/docker-api.ts";
import { hostPid, type Replica } from "../docker/replica.ts";
import type Docker from "dockerode";
import { containerCgroups } from "./cgroup.ts";
import { writeInCgroups } from "./cgroup-helper.ts";
import { assertFree, ContainedPathError, createInDir, openDirInRoot, type ContainedDir } from "./contained-path.ts";
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
      // The fill is written from the host through the container's root: `path` is opened there as the
      // container sees it (contained-path.ts), so that no link the container made points it at the host.
      const contained = <T>(act: () => T): T => {
        try {
          return act();
        } catch (e) {
          if (!(e instanceof ContainedPathError)) throw e;
          throw new InfraError(
            `disk-fill of ${p.path} in ${victim.containerName} refused: ${e.message} in the container`,
            "point path at a folder of the container (its links are followed as the container sees them, never out of it)",
          );
        }
      };
      const pid = await hostPid(ctx.docker, victim);
      const dir = contained(() => openDirInRoot(`/proc/${pid}/root`, p.path));
      try {
        return await fill(dir);
      } finally {
        dir.close();
      }

      async function fill(dir: ContainedDir) {
        const where = await fillLocation(ctx.docker, victim, dir.path, pid);
        const led = dir.path === p.path ? "" : ` (${p.path} leads to ${dir.path})`;
        const here = `/proc/self/fd/${dir.fd}`; // the folder opened, whatever its path names meanwhile
        const fs = statfsSync(here);
        if (fs.type !== TMPFS_MAGIC && !p.allowHostDisk) {
          throw new InfraError(
            `disk-fill of ${p.path}${led} in ${victim.containerName} would fill ${where.hostDir}, a disk the Docker host shares with every container and itself`,
            `mount a tmpfs in the target (targets.${victim.target}.tmpfs: { ${dir.path}: 64m }) and fill that, or set allowHostDisk: true on the fault`,
          );
        }
        const total = fs.blocks * fs.bsize;
        const free = fs.bfree * fs.bsize;
        const wanted = "bytes" in p.size ? p.size.bytes : Math.max(0, Math.ceil(p.size.percent * total) - (total - free));
        const name = fillName(ctx.tag);
        // Something already at the file's name (a link) is refused before the undo is logged: the undo
        // deletes only a file this fault made.
        contained(() => assertFree(dir, name));
        const step: RestoreStep = { op: "remove", container: victim.containerId, path: join(where.removeDir, name) };
        ctx.willChange(step);
        const undo = () => applyStep(ctx.docker, step);
        try {
          // Created in the folder opened above (O_EXCL, O_NOFOLLOW) and only then handed to dd: a link
          // planted meanwhile cannot redirect it.
          const fd = contained(() => createInDir(dir, name));
          let r;
          try {
            const cg = await containerCgroups(ctx.docker, victim);
            r = await writeInCgroups(ctx, cg, join(where.hostDir, name), { bytes: wanted, timeoutMs: WRITE_TIMEOUT_MS, fd });
          } finally {
            closeSync(fd);
          }
          const left = statfsSync(here).bfree * fs.bsize;
          ctx.log(`filled ${p.path}${led} of ${victim.containerName} (${where.kind}): ${r.full ? "full" : `${formatSize(wanted, "binary")} written`}, ${formatSize(left, "binary")} free`);
        } catch (e) {
          await undo();
          throw e;
        }
        return undo;
      }
    }),
};

/** The fill file of one injection (its tag). */
export const fillName = (tag: string) => `.steadystate-fill-${tag}`;

interface FillLocation {
  kind: "writable layer" | "volume" | "tmpfs";
  /** Host path of the folder filled, as messages name it. */
  hostDir: string;
  /** Host path of the same folder that stays valid across restarts (where the undo deletes the file). */
  removeDir: string;
}

/**
 * Which filesystem holds `path` (where the container's path led: no links in it) and the host's name for
 * it: its tmpfs, a volume or bind mount, or the writable layer.
 */
async function fillLocation(docker: Docker, victim: Replica, path: string, pid: number): Promise<FillLocation> {
  const info = await docker.getContainer(victim.containerId).inspect();
  const under = (dest: string) => dest === "/" || path === dest || path.startsWith(dest.replace(/\/$/, "") + "/");
  const mounts = [
    ...Object.keys(info.HostConfig.Tmpfs ?? {}).map((dest) => ({ dest, type: "tmpfs", source: "" })),
    ...(info.Mounts ?? []).map((m) => ({ dest: m.Destination, type: m.Type as string, source: m.Source })),
  ]
    .filter((m) => under(m.dest))
    .sort((a, b) => b.dest.length - a.dest.length);
  const mount = mounts[0];
  if (mount?.type === "tmpfs") {
    // A tmpfs lives and dies with the container's processes: reach it through them.
    const dir = join(`/proc/${pid}/root`, path);
    return { kind: "tmpfs", hostDir: dir, removeDir: dir };
  }
  if (mount) {
    const dir = join(mount.source, path.slice(mount.dest.length));
    return { kind: "volume", hostDir: dir, removeDir: dir };
  }
  const upper = overlayUpperDir(info);
  if (!upper) {
    throw new InfraError(
      `disk-fill of ${victim.containerName}'s writable layer needs the overlay2 storage driver (this engine uses ${info.GraphDriver?.Name ?? "an unknown one"})`,
      "fill a volume or tmpfs path of the container instead (path: /data)",
    );
  }
  // The file lands in the upper layer even when written through the container's view of a folder that
  // only a lower layer has: it is deleted there.
  const dir = join(upper, path);
  return { kind: "writable layer", hostDir: dir, removeDir: dir };
}
