// A fixture api container started by testcontainers (outside any run) and a fault context aimed at it, to
// inject one fault kind directly and observe its effect and its undo from outside.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GenericContainer, Wait, type StartedTestContainer } from "testcontainers";
import type { FaultContext } from "../../harness/faults/fault.ts";
import type { RestoreStep } from "../../harness/contracts/restore-steps.ts";
import { buildTargetImage } from "../../harness/docker/images.ts";
import { freePort } from "../../harness/docker/ports.ts";
import type { Replica } from "../../harness/docker/replica.ts";
import { docker, ROOT } from "./helpers.ts";

export interface ApiContainer {
  container: StartedTestContainer;
  victim: Replica;
  /** Reads a file of the container's cgroup v1 directory for a controller. */
  cgroup(controller: "cpu" | "cpuacct" | "memory", file: string): string;
  pid(): Promise<number>;
}

export async function startApi(opts: { env?: Record<string, string>; tmpfs?: Record<string, string>; restart?: "on-failure" } = {}): Promise<ApiContainer> {
  const image = await buildTargetImage(docker, join(ROOT, "fixtures", "api"), "api");
  // A fixed host port: Docker picks a new random one when a container restarts.
  let builder = new GenericContainer(image)
    .withExposedPorts({ container: 8080, host: await freePort() })
    .withEnvironment(opts.env ?? {})
    .withWaitStrategy(Wait.forHttp("/healthz", 8080));
  if (opts.tmpfs) builder = builder.withTmpFs(opts.tmpfs);
  const container = await builder.start();
  if (opts.restart) await docker.getContainer(container.getId()).update({ RestartPolicy: { Name: opts.restart } });
  const port = container.getMappedPort(8080);
  const id = container.getId();
  return {
    container,
    victim: { target: "api", index: 0, containerId: id, containerName: container.getName().replace(/^\//, ""), port: 8080, hostPort: port, url: `http://127.0.0.1:${port}` },
    cgroup: (controller, file) => readFileSync(`/sys/fs/cgroup/${controller}/docker/${id}/${file}`, "utf8").trim(),
    pid: async () => (await docker.getContainer(id).inspect()).State.Pid,
  };
}

export function faultContext(victim: Replica, steps: RestoreStep[] = [], logs: string[] = []): FaultContext {
  return {
    docker,
    victims: [victim],
    // Outside a run: no network of its own, no fault proxies (resource faults need neither).
    topology: { network: "bridge", replicas: { [victim.target]: [victim] }, hostProxy: () => undefined, linkProxy: () => undefined },
    signal: new AbortController().signal,
    log: (m) => logs.push(m),
    willChange: (step) => steps.push(step),
    tag: `test-${randomBytes(3).toString("hex")}`,
  };
}
