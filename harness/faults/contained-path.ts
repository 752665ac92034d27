// Paths of a container opened from the host as the container would see them, never following its links
// out of it. A fault that writes into a container from the host (disk-fill, through /proc/PID/root) must
// not let the kernel follow a link the container made: the host's kernel would read an absolute target
// against the host's root, so a link planted in the container could point the write at any host path.
//
// Hand-written because nothing does it for Node: the kernel's own answer, openat2() with RESOLVE_IN_ROOT,
// and openat() are not in Node's fs, and npm has no maintained counterpart of Go's filepath-securejoin.
// The walk is openat() done by hand: each component is opened relative to the directory opened before it,
// through /proc/self/fd/DIRFD/NAME (the kernel follows the magic link to that very directory, not to a
// path that could have changed meanwhile), with O_NOFOLLOW so that a link is seen as a link (ELOOP) and
// read with readlink instead of followed. A link's target is then walked as the container sees it: an
// absolute target starts again at the container's root, and ".." never climbs above it. Nothing a
// container does between the checks and the use (a link planted in a race) can redirect the walk.
import { closeSync, constants, lstatSync, openSync, readlinkSync } from "node:fs";

/** Links followed in one walk before it is taken for a loop (Linux's own bound, MAXSYMLINKS). */
export const MAX_LINKS = 40;

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** A path that cannot be opened inside the root: what was asked, where the walk got to, and why not. */
export class ContainedPathError extends Error {
  override name = "ContainedPathError";
  constructor(
    readonly path: string,
    /** The path (inside the root) where the walk stopped. */
    readonly ledTo: string,
    readonly reason: string,
  ) {
    super(ledTo === path ? `${path} ${reason}` : `${path} leads to ${ledTo}, which ${reason}`);
  }
}

export interface ContainedDir {
  /** Where the path led inside the root: absolute, no links, no "." or "..". */
  path: string;
  /** The directory, open: `/proc/self/fd/${fd}` reaches it, and only it. */
  fd: number;
  close(): void;
}

const at = (dirFd: number, name: string) => `/proc/self/fd/${dirFd}/${name}`;
const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? "";
const show = (names: readonly string[]) => `/${names.join("/")}`;

/** The target of the link at `path`, or undefined when it is no link (EINVAL). */
function linkTarget(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch (e) {
    if (errno(e) === "EINVAL") return undefined;
    throw e;
  }
}

/**
 * Opens the directory `path` (absolute, as the container names it) inside `root`, a host folder that is
 * the container's root (`/proc/PID/root`) or stands for it. Links are followed as the container would,
 * without leaving `root`; a path that does not lead to a directory in it is refused (ContainedPathError).
 */
export function openDirInRoot(root: string, path: string, opts: { maxLinks?: number } = {}): ContainedDir {
  const maxLinks = opts.maxLinks ?? MAX_LINKS;
  // The open directories from the root down, with their names: ".." is one step up this stack.
  const fds = [openSync(root, constants.O_RDONLY | constants.O_DIRECTORY)];
  const names: string[] = [];
  const todo = path.split("/");
  let links = 0;
  const popTo = (depth: number) => {
    while (fds.length > depth + 1) closeSync(fds.pop()!);
    names.length = depth;
  };
  try {
    while (todo.length) {
      const name = todo.shift()!;
      if (name === "" || name === ".") continue;
      if (name === "..") {
        popTo(Math.max(0, names.length - 1)); // the root's parent is the root, as in the container
        continue;
      }
      const dir = fds[fds.length - 1]!;
      let fd: number;
      try {
        fd = openSync(at(dir, name), DIR_FLAGS);
      } catch (e) {
        const here = show([...names, name]);
        // Named with what was still to walk: the path the container would look for.
        if (errno(e) === "ENOENT") throw new ContainedPathError(path, show([...names, name, ...todo.filter((n) => n && n !== ".")]), "does not exist");
        // O_NOFOLLOW with O_DIRECTORY meets a link as ENOTDIR (ELOOP without O_DIRECTORY): read it, and
        // walk its target. readlink does not follow the last component, so only a link has a target.
        if (errno(e) !== "ENOTDIR" && errno(e) !== "ELOOP") throw e;
        const target = linkTarget(at(dir, name));
        if (target === undefined) throw new ContainedPathError(path, here, "is not a directory");
        if (++links > maxLinks) throw new ContainedPathError(path, here, `goes through more than ${maxLinks} links (a loop?)`);
        if (target.startsWith("/")) popTo(0);
        todo.unshift(...target.split("/"));
        continue;
      }
      fds.push(fd);
      names.push(name);
    }
  } catch (e) {
    popTo(0);
    closeSync(fds[0]!);
    throw e;
  }
  const fd = fds.pop()!;
  for (const f of fds) closeSync(f);
  return { path: show(names), fd, close: () => closeSync(fd) };
}

/** Refuses a name already taken in the open folder: a link above all, named with its target. */
export function assertFree(dir: ContainedDir, name: string): void {
  checkName(name);
  try {
    lstatSync(at(dir.fd, name));
  } catch (e) {
    if (errno(e) === "ENOENT") return;
    throw e;
  }
  throw taken(dir, name);
}

/**
 * Creates the file `name` in an open folder, refusing anything already there (O_EXCL), a link above all
 * (O_NOFOLLOW: with O_EXCL even a dangling link is not followed). Returns the file, open for writing.
 */
export function createInDir(dir: ContainedDir, name: string, mode = 0o644): number {
  checkName(name);
  try {
    return openSync(at(dir.fd, name), CREATE_FLAGS, mode);
  } catch (e) {
    if (errno(e) === "EEXIST" || errno(e) === "ELOOP") throw taken(dir, name);
    throw e;
  }
}

function checkName(name: string): void {
  if (!name || name === "." || name === ".." || name.includes("/")) throw new Error(`not a file name: ${JSON.stringify(name)}`);
}

function taken(dir: ContainedDir, name: string): ContainedPathError {
  const file = dir.path === "/" ? `/${name}` : `${dir.path}/${name}`;
  const target = linkTarget(at(dir.fd, name));
  return new ContainedPathError(file, file, target === undefined ? "already exists" : `already exists, as a link to ${target}`);
}
