// Per-container resource samples, about one per second, from Docker's stats stream (one stream per
// container, which keeps flowing across restarts), and restarts counted from the engine's `start` events
// for the run's containers. Samples go to the journal (`resources`) and feed the container signals of the
// built-in detectors.
import { createInterface } from "node:readline";
import type Docker from "dockerode";
import { eventStream, statsStream } from "../docker/docker-api.ts";
import { RUN_LABEL } from "../docker/labels.ts";
import type { Replica } from "../docker/replica.ts";
import type { ContainerResources } from "../contracts/journal.ts";
import { sampleOf, type DockerStats } from "./docker-stats.ts";


/** Values summed over a target's containers, from each container's latest sample. */
export interface TargetResources {
  cpu: number;
  memory: number;
  restarts: number;
  /** Bytes received and sent per second. */
  network: number;
}

interface Watched {
  target: string;
  /** Engine `start` events after this instant are restarts. */
  startedAt: number;
  restarts: number;
  stop(): void;
}

// A sample older than this is stale (its container is gone) and no longer counts in a target's values.
const STALE_MS = 3_000;

export class ResourceMonitor {
  readonly series: Record<string, ContainerResources> = {};
  private readonly watched = new Map<string, Watched>();
  private readonly byId = new Map<string, string>();
  private stopEvents = () => undefined as void;

  constructor(
    private readonly docker: Docker,
    private readonly runId: string,
  ) {}

  /** Counts restarts from the engine's events for this run's containers. */
  async start(): Promise<void> {
    const filters = JSON.stringify({ label: [`${RUN_LABEL}=${this.runId}`], type: ["container"], event: ["start"] });
    const stream = await eventStream(this.docker, { filters });
    createInterface({ input: stream }).on("line", (line) => {
      const e = JSON.parse(line) as { id?: string; timeNano?: number };
      const w = this.watched.get(this.byId.get(e.id ?? "") ?? "");
      if (w && e.timeNano !== undefined && e.timeNano / 1e6 > w.startedAt) w.restarts++;
    });
    this.stopEvents = () => stream.destroy();
  }

  /** Starts (or, for a replaced container, resumes) the series of a replica. */
  async watch(replica: Replica): Promise<void> {
    const name = replica.containerName;
    this.watched.get(name)?.stop();
    const container = this.docker.getContainer(replica.containerId);
    const info = await container.inspect();
    const series = (this.series[name] ??= { target: replica.target, samples: [] });
    const restarts = this.watched.get(name)?.restarts ?? 0;
    const stream = await statsStream(container);
    const w: Watched = { target: replica.target, startedAt: Date.parse(info.State.StartedAt), restarts, stop: () => stream.destroy() };
    this.watched.set(name, w);
    this.byId.set(replica.containerId, name);
    createInterface({ input: stream }).on("line", (line) => {
      if (line.trim()) series.samples.push(sampleOf(JSON.parse(line) as DockerStats, w.restarts, Date.now()));
    });
    stream.on("error", () => undefined); // the container was removed: its series simply ends
  }

  /** The target's current values, or undefined when none of its containers has a recent sample. */
  current(target: string, now = Date.now()): TargetResources | undefined {
    let found = false;
    const sum: TargetResources = { cpu: 0, memory: 0, restarts: 0, network: 0 };
    for (const s of Object.values(this.series).filter((x) => x.target === target)) {
      const last = s.samples.at(-1);
      if (!last || now - last.at > STALE_MS) continue;
      found = true;
      const prev = s.samples.at(-2);
      sum.cpu += last.cpuPercent / 100;
      sum.memory += last.memoryBytes;
      sum.restarts += last.restarts;
      if (prev && last.at > prev.at) {
        const bytes = last.rxBytes + last.txBytes - prev.rxBytes - prev.txBytes;
        if (bytes > 0) sum.network += (bytes * 1_000) / (last.at - prev.at);
      }
    }
    return found ? sum : undefined;
  }

  stop(): void {
    this.stopEvents();
    for (const w of this.watched.values()) w.stop();
  }
}
