import { z } from "zod";
import { obj, textValue } from "../fields.ts";
import { formatPercent, formatSize, parsePercent, parseSize, SIZE_HINT } from "../../contracts/units.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface DiskFillParams {
  /** Bytes to write, or the share of the filesystem that must be in use afterwards. */
  size: { bytes: number } | { percent: number };
  path: string;
  allowHostDisk: boolean;
}

/** `64m` (bytes to write) or `95%` (fill until that share of the filesystem is in use). */
const size = textValue((v): DiskFillParams["size"] | undefined => {
  const percent = typeof v === "string" && v.trim().endsWith("%") ? parsePercent(v) : undefined;
  if (percent !== undefined) return { percent };
  const n = parseSize(v);
  return n !== undefined && n > 0 ? { bytes: n } : undefined;
}, `${SIZE_HINT}, nor a percentage of the filesystem like 95%`);

// Fills the filesystem that holds `path` in the container, without a shell in its image: the fill file is
// written on the host into the container's writable layer (overlay2 UpperDir), its volume's source, or its
// tmpfs (through /proc/PID/root), by `dd` running in the container's cgroups. `path` is opened as the
// container sees it, its links never followed out of it (faults/contained-path.ts). Undo deletes the file.
export const diskFill: FaultKindSpec<DiskFillParams> = {
  kind: "disk-fill",
  summary: "fill the filesystem holding `path` with `size` bytes (or to `size`% used) for `duration`",
  params: obj({
    size,
    // A folder in the container, not a URL: any name a file may have. The fill file is written from the
    // host into the container's filesystem: ".." would leave it.
    path: z
      .string()
      .regex(/^\//, 'must start with "/"')
      .refine((p) => !p.split("/").includes(".."), { message: 'must not contain ".." segments' })
      .default("/"),
    allowHostDisk: z.boolean().default(false),
  }),
  window: "required",
  needs: ["root", "cgroup-v1"],
  describe: (p) =>
    `fill ${p.path} of ${p.target} ${"percent" in p.size ? `to ${formatPercent(p.size.percent)} used` : `with ${formatSize(p.size.bytes, "binary")}`} for ${p.durationMs}ms`,
  revert: () => "delete the fill file",
};
