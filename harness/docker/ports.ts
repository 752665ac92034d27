import { createServer } from "node:net";

/** A loopback port free right now (the engine binds it next; a race is retried by `startOnFreePort`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** What Docker says when a host port it is to publish was bound by another process first. */
export const DOCKER_PORT_TAKEN = /port is already allocated|address already in use/i;

const TRIES = 3;

/**
 * Runs `start` on a free loopback port. Another process may bind the port between its pick and the start:
 * a start that fails with a message matching `taken` is run again on another port, 3 tries in all.
 */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, taken: RegExp): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (e) {
      if (attempt < TRIES && taken.test((e as Error).message)) continue;
      throw e;
    }
  }
}
