// Bundles the CLI into dist/steadystate.js (npm runs it at `prepack`), so that the published package starts
// without compiling TypeScript. Dependencies stay imports of the installed packages. Files run time reads
// by path (harness/host/package-files.ts) are shipped as they are. `node scripts/bundle.mjs --clean`
// removes dist/ again (at `postpack`): a checkout then runs its TypeScript sources, never a stale bundle.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
if (!process.argv.includes("--clean")) {
  await build({
    entryPoints: [join(root, "harness", "cli", "main.ts")],
    outfile: join(dist, "steadystate.js"),
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    legalComments: "none",
    logLevel: "warning",
  });
}
