// Copies one Docker volume's files into another (a backup, or a restore from one). Two helper containers
// from the base image mount the volumes and are created but never started: Docker reads and writes a
// stopped container's volumes through its archive API, as a tar stream, so owners, modes and times come
// along and no copy program is needed in the image (there is no `cp` in it, and no registry to pull one).
import type Docker from "dockerode";
import type { Teardown } from "../contracts/teardown.ts";
import { BASE_IMAGE, ensureBaseImage } from "../docker/images.ts";
import { runLabels } from "../docker/labels.ts";

// The same path in both helpers: the tar's entries (volume/…) land where they were read from.
const MOUNT = "/volume";

export interface VolumeCopy {
  docker: Docker;
  runId: string;
  /** Each helper's removal goes on it, and runs as soon as the copy ends. */
  teardown: Teardown;
  from: string;
  to: string;
  /** The copy is abandoned (and fails) after this long. */
  timeoutMs: number;
  /** Aborting it abandons the copy too. */
  signal?: AbortSignal;
}

export async function copyVolume(c: VolumeCopy): Promise<void> {
  if (c.signal?.aborted) throw new Error(`copying volume ${c.from} to ${c.to} was interrupted`);
  await ensureBaseImage(c.docker);
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`copying volume ${c.from} to ${c.to} took longer than ${c.timeoutMs}ms`)), c.timeoutMs);
  const onAbort = () => abort.abort(new Error(`copying volume ${c.from} to ${c.to} was interrupted`));
  c.signal?.addEventListener("abort", onAbort, { once: true });
  const removals: (() => Promise<void>)[] = [];
  const helper = async (volume: string, readOnly: boolean) => {
    const role = readOnly ? `reading ${volume}` : `writing ${volume}`;
    const container = await c.docker.createContainer({
      Image: BASE_IMAGE,
      Labels: runLabels(c.runId),
      HostConfig: { Mounts: [{ Type: "volume", Source: volume, Target: MOUNT, ReadOnly: readOnly }] },
    });
    const undo = c.teardown.push(`remove volume copy helper ${role}`, () => container.remove({ force: true }));
    removals.push(() => undo.run());
    return container;
  };
  try {
    const source = await helper(c.from, true);
    const dest = await helper(c.to, false);
    const tar = await source.getArchive({ path: MOUNT, abortSignal: abort.signal });
    await dest.putArchive(tar, { path: "/", abortSignal: abort.signal });
    if (abort.signal.aborted) throw abort.signal.reason;
  } catch (e) {
    throw abort.signal.aborted ? abort.signal.reason : e;
  } finally {
    clearTimeout(timer);
    c.signal?.removeEventListener("abort", onAbort);
    // A failed removal is the teardown's to report (it records every undo failure): it must not hide the copy's outcome.
    await Promise.allSettled(removals.map((r) => r()));
  }
}
