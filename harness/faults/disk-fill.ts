import { existsSync, statfsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { InfraError } from "../scenario/errors.ts";
import { obj, textValue, urlPath } from "../scenario/fields.ts";
import { formatPercent, formatSize, parsePercent, parseSize, SIZE_HINT } from "../scenario/units.ts";
import { overlayUpperDir } from "../targets/docker-api.ts";
import { hostPid, type Replica } from "../targets/replica.ts";
import type Docker from "dockerode";
import { containerCgroups } from "./cgroup.ts";
import { writeInCgroups } from "./cgroup-helper.ts";
import { onEachVictim, type FaultKind } from "./fault.ts";
import { applyStep, type RestoreStep } from "./restore.ts";

interface DiskFillParams {
  /** Bytes to write, or the share of the filesystem that must be in use afterwards. */
  size: { bytes: number } | { percent: number };
  path: string;
  allowHostDisk: boolean;
}

const TMPFS_MAGIC = 0x01021994;
const WRITE_TIMEOUT_MS = 60_000;

/** `64m` (bytes to write) or `95%` (fill until that share of the filesystem is in use). */
const size = textValue((v): DiskFillParams["size"] | undefined => {
  const percent = typeof v === "string" && v.trim().endsWith("%") ? parsePercent(v) : undefined;
  if (percent !== undefined) return { percent };
  const n = parseSize(v);
  return n !== undefined && n > 0 ? { bytes: n } : undefined;
}, `${SIZE_HINT}, nor a percentage of the filesystem like 95%`);

// Fills the filesystem that holds `path` in the container, without a shell in its image: the fill file is
// written on the host into the container's writable layer (overlay2 UpperDir), its volume's source, or its
// tmpfs (through /proc/PID/root), by `dd` running in the container's cgroups. Undo deletes the file.
export const diskFill: FaultKind<DiskFillParams> = {
  kind: "disk-fill",
  summary: "fill the filesystem holding `path` with `size` bytes (or to `size`% used) for `duration`",
  params: obj({
    size,
    // The fill file is written from the host into the container's filesystem: ".." would leave it.
    path: urlPath.refine((p) => !p.split("/").includes(".."), { message: 'must not contain ".." segments' }).default("/"),
    allowHostDisk: z.boolean().default(false),
  }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) =>
    `fill ${p.path} of ${p.target} ${"percent" in p.size ? `to ${formatPercent(p.size.percent)} used` : `with ${formatSize(p.size.bytes, "binary")}`} for ${p.durationMs}ms`,
  revert: () => "delete the fill file",
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
      const name = `.steadystate-fill-${ctx.tag}`;
      const step: RestoreStep = { op: "remove", path: join(where.removeDir, name) };
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
