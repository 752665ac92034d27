// The fault proxy's image, built offline: the proxy's TypeScript bundled by esbuild into one file on top
// of the Node base image (no shell, no package manager inside). Rebuilt only when the bundle changes.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type Docker from "dockerode";
import { build } from "esbuild";
import { BASE_IMAGE, buildTargetImage, ensureBaseImage } from "../docker/images.ts";
import { packageFile } from "../host/package-files.ts";

export async function ensureProxyImage(docker: Docker): Promise<string> {
  await ensureBaseImage(docker);
  const dir = mkdtempSync(join(tmpdir(), "steadystate-fault-proxy-"));
  try {
    await build({
      entryPoints: [packageFile("harness", "proxy", "main.ts")],
      outfile: join(dir, "fault-proxy.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      legalComments: "none",
      logLevel: "silent",
    });
    writeFileSync(join(dir, "Dockerfile"), `FROM ${BASE_IMAGE}\nCOPY fault-proxy.mjs /app/\nCMD ["/usr/bin/node", "/app/fault-proxy.mjs"]\n`);
    return await buildTargetImage(docker, dir, "fault-proxy");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
