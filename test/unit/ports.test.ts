// The one free-port helper: a start whose port was taken runs again on another port, 3 tries in all;
// any other failure ends it at once.
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { DOCKER_PORT_TAKEN, startOnFreePort } from "../../harness/docker/ports.ts";

describe("startOnFreePort", () => {
  it("hands start a loopback port nothing listens on", async () => {
    const port = await startOnFreePort(async (p) => p, DOCKER_PORT_TAKEN);
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it("tries another port when the port was taken, up to 3 tries, then throws the last failure", async () => {
    const ports: number[] = [];
    const taken = (p: number) => Promise.reject(new Error(`Bind for 127.0.0.1:${p} failed: port is already allocated (${ports.push(p)})`));
    await expect(startOnFreePort(taken, DOCKER_PORT_TAKEN)).rejects.toThrow("port is already allocated (3)");
    expect(ports).toHaveLength(3);

    let tries = 0;
    const secondWorks = (p: number) => (++tries < 2 ? taken(p) : Promise.resolve(`on ${p}`));
    await expect(startOnFreePort(secondWorks, DOCKER_PORT_TAKEN)).resolves.toMatch(/^on \d+$/);
    expect(tries).toBe(2);
  });

  it("throws any other failure at once", async () => {
    let tries = 0;
    const fails = () => Promise.reject(new Error(`no such image (${++tries})`));
    await expect(startOnFreePort(fails, DOCKER_PORT_TAKEN)).rejects.toThrow("no such image (1)");
    expect(tries).toBe(1);
  });
});
