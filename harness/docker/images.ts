// Images without a registry: a Node base image packed from this machine's own Node runtime, and target
// images built offline from a folder's Dockerfile (which starts FROM the base image or another local one).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import type Docker from "dockerode";
import { InfraError } from "../contracts/errors.ts";
import { followProgress, isNotFound } from "./docker.ts";
import { IMAGE_LABEL } from "./labels.ts";
import { packFolder } from "./tar-api.ts";

export const BASE_IMAGE = "steadystate/node:local";
const NODE_VERSION_LABEL = "steadystate.node-version";

export async function imageLabels(docker: Docker, name: string): Promise<Record<string, string> | undefined> {
  try {
    const info = await docker.getImage(name).inspect();
    return info.Config?.Labels ?? {};
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Builds `steadystate/node:local` (node binary + its libraries, nothing else) unless it is current. */
export async function ensureBaseImage(docker: Docker): Promise<string> {
  const labels = await imageLabels(docker, BASE_IMAGE);
  if (labels?.[NODE_VERSION_LABEL] === process.version) return BASE_IMAGE;
  try {
    await packImage(docker, {
      image: BASE_IMAGE,
      binaries: [[realpathSync(process.execPath), "/usr/bin/node"]],
      dirs: ["app"],
      changes: [`LABEL ${IMAGE_LABEL}=base ${NODE_VERSION_LABEL}=${process.version}`, "WORKDIR /app", 'CMD ["/usr/bin/node"]'],
    });
  } catch (e) {
    throw new InfraError(`could not build the base image ${BASE_IMAGE}: ${(e as Error).message}`, "check that `ldd` and Docker work on this machine");
  }
  return BASE_IMAGE;
}

export interface PackSpec {
  image: string;
  /** [host path, path in the image]; every library `ldd` names comes along. */
  binaries: [string, string][];
  /** Extra files: path in the image → content. */
  files?: Record<string, string>;
  /** Extra empty folders. */
  dirs?: string[];
  /** Dockerfile instructions applied on import (LABEL, CMD, …). */
  changes: string[];
}

/**
 * An image without a registry: host binaries, their libraries, minimal /etc/passwd and /etc/group, and a
 * world-writable /tmp, imported as one layer (ENVIRONMENT: "Images without a registry").
 */
export async function packImage(docker: Docker, spec: PackSpec): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "steadystate-image-"));
  try {
    const copies: [string, string][] = [];
    for (const [from, to] of spec.binaries) {
      const { stdout } = await promisify(execFile)("ldd", [from]);
      const libs = [...stdout.matchAll(/(\/\S+\.so[\w.]*)/g)].map((m) => m[1]!);
      copies.push([from, to], ...libs.map((l): [string, string] => [l, l]));
    }
    for (const [from, to] of copies) {
      mkdirSync(join(root, dirname(to)), { recursive: true });
      copyFileSync(realpathSync(from), join(root, to));
    }
    mkdirSync(join(root, "etc"), { recursive: true });
    mkdirSync(join(root, "tmp"), { recursive: true, mode: 0o1777 });
    for (const d of spec.dirs ?? []) mkdirSync(join(root, d), { recursive: true });
    const files: Record<string, string> = {
      "/etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n",
      "/etc/group": "root:x:0:\nnogroup:x:65534:\n",
      ...spec.files,
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, dirname(path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    const [repo, tag] = spec.image.split(":") as [string, string];
    const stream: NodeJS.ReadableStream = await docker.importImage(packFolder(root), { repo, tag, changes: spec.changes });
    await followProgress(docker, stream);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Content hash of a build folder: the image is rebuilt only when a file changed. */
function folderHash(dir: string, baseId: string): string {
  const hash = createHash("sha256").update(baseId);
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) hash.update(relative(dir, full)).update("\0").update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest("hex").slice(0, 12);
}

/** Builds (or reuses) the image of a target from its folder; returns the image tag. */
export async function buildTargetImage(docker: Docker, buildDir: string, target: string): Promise<string> {
  const base = await docker.getImage(BASE_IMAGE).inspect();
  const tag = `steadystate/build-${target}:${folderHash(buildDir, base.Id)}`;
  if (await imageLabels(docker, tag)) return tag;
  try {
    const stream = await docker.buildImage(packFolder(buildDir), {
      t: tag,
      labels: { [IMAGE_LABEL]: "build" },
      rm: true,
      forcerm: true,
    });
    await followProgress(docker, stream);
  } catch (e) {
    throw new InfraError(`building target ${target} from ${buildDir} failed: ${(e as Error).message}`, "fix the Dockerfile; images build offline, so FROM must name a local image such as steadystate/node:local");
  }
  return tag;
}

export async function requireLocalImage(docker: Docker, image: string, target: string): Promise<string> {
  if (await imageLabels(docker, image)) return image;
  throw new InfraError(
    `image ${image} of target ${target} is not on this machine`,
    "there is no registry to pull from: build the image locally first, or give the target `build: FOLDER`",
  );
}
