// Files of the steadystate package itself that run time reads by path: package.json (the version), the
// fault proxy's entry point (bundled into its image) and the cpu burner (started as a host process). They
// are found from the package's root, the nearest folder above this module whose package.json is
// steadystate's: the same folder whether this module runs from the TypeScript sources (harness/host/) or
// from the CLI's bundle (dist/, built by `npm pack`).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

interface Manifest {
  name?: string;
  version?: string;
}

function findRoot(from: string): { root: string; manifest: Manifest } {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as Manifest;
      if (manifest.name === "steadystate") return { root: dir, manifest };
    }
    if (dirname(dir) === dir) throw new Error(`steadystate's package.json is not in ${from} or above it`);
  }
}

const found = findRoot(import.meta.dirname);

/** The folder holding steadystate's package.json. */
export const PACKAGE_ROOT: string = found.root;
export const PACKAGE_VERSION: string = found.manifest.version ?? "0.0.0";

/**
 * A file of the package by its path from the package's root. `files` in package.json must ship it; the
 * package test (test/integration/package.test.ts) runs a scenario that needs each of them.
 */
export const packageFile = (...segments: string[]): string => join(PACKAGE_ROOT, ...segments);

