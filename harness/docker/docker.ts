import Docker from "dockerode";
import { InfraError } from "../contracts/errors.ts";
import { ping } from "./docker-api.ts";

export const DOCKER_FIX =
  "start the Docker daemon (`dockerd >/tmp/dockerd.log 2>&1 &`, or `systemctl start docker`), or point DOCKER_HOST at a running one";

/** A Docker client that is known to answer, or an InfraError saying how to start the daemon. */
export async function connectDocker(timeoutMs = 5_000): Promise<Docker> {
  const docker = new Docker();
  const where = process.env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
  try {
    await ping(docker, { abortSignal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new InfraError(`Docker is not reachable at ${where} (${why})`, DOCKER_FIX);
  }
  return docker;
}

/** Reads a stream of Docker progress messages (build, import) to the end; throws on an error message. */
export async function followProgress(docker: Docker, stream: NodeJS.ReadableStream): Promise<string[]> {
  const lines: string[] = [];
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
        const failed = err?.message ?? output.find((o) => o.error)?.error;
        if (failed) reject(new Error(`${failed}\n${lines.slice(-10).join("")}`.trim()));
        else resolve();
      },
      (event: { stream?: string }) => {
        if (event.stream) lines.push(event.stream);
      },
    );
  });
  return lines;
}

export function isNotFound(e: unknown): boolean {
  return (e as { statusCode?: number }).statusCode === 404;
}
