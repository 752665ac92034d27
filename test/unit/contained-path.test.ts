// Opening a container's path from the host without following its links out of it, on a temporary tree
// that stands for a container's root, with a folder beside it that stands for the host's own files.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContainedPathError, createInDir, MAX_LINKS, openDirInRoot } from "../../harness/faults/contained-path.ts";

let base: string;
let root: string;
let host: string;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), "contained-path-"));
  root = join(base, "root");
  host = join(base, "host"); // outside the root: the host's own folder
  mkdirSync(join(root, "data", "sub"), { recursive: true });
  mkdirSync(host);
  writeFileSync(join(host, "secret"), "host");
  writeFileSync(join(root, "file"), "");
  symlinkSync("/data", join(root, "abs")); // absolute: the container's /data
  symlinkSync("data/sub", join(root, "rel"));
  symlinkSync("../../../../../../data", join(root, "data", "up")); // ".." cannot climb above the root
  symlinkSync("../../abs", join(root, "data", "sub", "hop"));
  symlinkSync(host, join(root, "out")); // a host path: means the container's own path of that name
  symlinkSync(join(host, "secret"), join(root, "data", "planted")); // a link to a host file, at the file's name
  symlinkSync("loop-b", join(root, "loop-a"));
  symlinkSync("loop-a", join(root, "loop-b"));
  for (let i = 0; i < MAX_LINKS + 1; i++) symlinkSync(`chain-${i + 1}`, join(root, `chain-${i}`));
  mkdirSync(join(root, `chain-${MAX_LINKS + 1}`));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** Where `path` leads inside the root, or the refusal's message. */
function walk(path: string, opts?: { maxLinks?: number }): string {
  try {
    const dir = openDirInRoot(root, path, opts);
    dir.close();
    return dir.path;
  } catch (e) {
    if (e instanceof ContainedPathError) return `refused: ${e.message}`;
    throw e;
  }
}

describe("openDirInRoot: a container's path, opened from the host", () => {
  it("walks plain folders and normalises . and repeated slashes", () => {
    expect(walk("/")).toBe("/");
    expect(walk("/data/sub")).toBe("/data/sub");
    expect(walk("//data/./sub/")).toBe("/data/sub");
  });

  it("reads an absolute link's target against the container's root, a relative one against its folder", () => {
    expect(walk("/abs")).toBe("/data");
    expect(walk("/abs/sub")).toBe("/data/sub");
    expect(walk("/rel")).toBe("/data/sub");
    expect(walk("/data/sub/hop/sub")).toBe("/data/sub");
  });

  it("never climbs above the root: '..' there stays at the root, in paths and in link targets", () => {
    expect(walk("/data/up")).toBe("/data");
    expect(walk("/../../data/../..")).toBe("/");
  });

  it("a link to a host path leads to the container's path of that name, never to the host's folder", () => {
    expect(walk("/out")).toBe(`refused: /out leads to ${host}, which does not exist`);
    // Where the container has such a folder, that is where the link leads.
    mkdirSync(join(root, host), { recursive: true });
    try {
      expect(walk("/out")).toBe(host);
      const dir = openDirInRoot(root, "/out");
      const fd = createInDir(dir, "made");
      dir.close();
      expect(existsSync(join(root, host, "made"))).toBe(true);
      expect(readdirSync(host).sort()).toEqual(["secret"]);
      expect(fd).toBeGreaterThan(0);
    } finally {
      rmSync(join(root, host.split("/")[1]!), { recursive: true });
    }
  });

  it("refuses what is missing or not a folder, naming the path and where it led", () => {
    expect(walk("/nope/sub")).toBe("refused: /nope/sub does not exist");
    expect(walk("/file")).toBe("refused: /file is not a directory");
    expect(walk("/abs/nope")).toBe("refused: /abs/nope leads to /data/nope, which does not exist");
  });

  it("bounds the links it follows: a loop, and a chain longer than the kernel's own bound, are refused", () => {
    expect(walk("/loop-a")).toBe(`refused: /loop-a goes through more than ${MAX_LINKS} links (a loop?)`);
    expect(walk("/chain-0")).toMatch(new RegExp(`^refused: /chain-0 leads to /chain-\\d+, which goes through more than ${MAX_LINKS} links`));
    expect(walk("/chain-1")).toBe(`/chain-${MAX_LINKS + 1}`);
    expect(walk("/abs", { maxLinks: 0 })).toBe("refused: /abs goes through more than 0 links (a loop?)");
  });
});

describe("createInDir: the fill file, created only where it was meant to be", () => {
  it("creates a new file in the open folder", () => {
    const dir = openDirInRoot(root, "/abs/sub");
    createInDir(dir, "fill-new");
    dir.close();
    expect(existsSync(join(root, "data", "sub", "fill-new"))).toBe(true);
  });

  it("refuses a link at the file's name (to a host file) and leaves its target alone; refuses a file already there", () => {
    const dir = openDirInRoot(root, "/data");
    expect(() => createInDir(dir, "planted")).toThrow(`/data/planted already exists, as a link to ${join(host, "secret")}`);
    expect(() => createInDir(dir, "sub")).toThrow("/data/sub already exists");
    dir.close();
    expect(readFileSync(join(host, "secret"), "utf8")).toBe("host");
  });

  it("a folder swapped for a link to the host after it was opened does not redirect the file (the race)", () => {
    mkdirSync(join(root, "race", "in"), { recursive: true });
    const dir = openDirInRoot(root, "/race/in");
    renameSync(join(root, "race"), join(root, "race-moved"));
    symlinkSync(host, join(root, "race")); // /race/in now names the host's folder, from the host
    try {
      createInDir(dir, "fill");
    } finally {
      dir.close();
    }
    expect(existsSync(join(root, "race-moved", "in", "fill"))).toBe(true);
    expect(readdirSync(host).sort()).toEqual(["secret"]);
  });
});
