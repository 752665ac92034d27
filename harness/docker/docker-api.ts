// dockerode 5 where @types/dockerode 4 (the newest there is) falls short of it: each gap is typed once
// here, so that the rest of the code calls dockerode without casts.
import type { Readable } from "node:stream";
import type Docker from "dockerode";

/** ping with options: dockerode passes `abortSignal` on; the types know only ping(callback?). */
export function ping(docker: Docker, options: { abortSignal?: AbortSignal }): Promise<unknown> {
  return (docker.ping as (options: object) => Promise<unknown>)(options);
}

// The live streams are the HTTP response, a Node Readable (destroy() ends them); the types say
// NodeJS.ReadableStream, which has no destroy().

/** A container's log as it is written (follow). */
export async function followLogs(container: Docker.Container, options: Omit<Docker.ContainerLogsOptions, "follow">): Promise<Readable> {
  return (await container.logs({ ...options, follow: true })) as Readable;
}

/** A container's stats, one JSON line a second. */
export async function statsStream(container: Docker.Container): Promise<Readable> {
  return (await container.stats({ stream: true })) as Readable;
}

/** The engine's events, one JSON line each. */
export async function eventStream(docker: Docker, options: Docker.GetEventsOptions): Promise<Readable> {
  return (await docker.getEvents(options)) as Readable;
}

/**
 * The writable layer of a container on overlay2, or undefined on another storage driver. GraphDriver.Data
 * is the driver's own map (overlay2: LowerDir, MergedDir, UpperDir, WorkDir); the types give only
 * devicemapper's keys.
 */
export function overlayUpperDir(info: Docker.ContainerInspectInfo): string | undefined {
  const data: Record<string, string> | undefined = info.GraphDriver?.Data;
  return data?.UpperDir;
}
