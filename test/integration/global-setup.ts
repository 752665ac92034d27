// Integration tests need a Docker daemon; images are built once here so that no test pays for a build.
import { join } from "node:path";
import { connectDocker } from "../../harness/docker/docker.ts";
import { buildTargetImage, ensureBaseImage } from "../../harness/docker/images.ts";

export default async function setup(): Promise<void> {
  const docker = await connectDocker().catch((e: Error & { fix?: string }) => {
    throw new Error(`integration tests need Docker: ${e.message}; ${e.fix ?? ""}`);
  });
  await ensureBaseImage(docker);
  for (const fixture of ["api", "web", "store"]) await buildTargetImage(docker, join(import.meta.dirname, "..", "..", "fixtures", fixture), fixture);
}
