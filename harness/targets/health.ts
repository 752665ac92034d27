// Waits until every replica answers its health path, with a deadline and a message that says why not.
import type Docker from "dockerode";
import { InfraError } from "../scenario/errors.ts";
import { httpGet } from "../probes/http.ts";
import type { Replica } from "./replica.ts";

export interface HealthSpec {
  path: string;
  timeoutMs: number;
  intervalMs: number;
  /** Ready on any HTTP answer (no health path configured) rather than on 2xx/3xx only. */
  anyStatus: boolean;
}

/** What readiness needs of a target: its URL, and its container when it has one (to tell a crash from slowness). */
type Endpoint = Pick<Replica, "target" | "containerName" | "url"> & { containerId?: string };

export async function waitHealthy(docker: Docker, replica: Endpoint, health: HealthSpec, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + health.timeoutMs;
  let last = "no answer yet";
  const url = replica.url + health.path;
  while (!signal.aborted && Date.now() < deadline) {
    const r = await httpGet(url, Math.min(2_000, Math.max(100, deadline - Date.now())));
    if (r.ok || (health.anyStatus && r.status !== undefined)) return;
    last = r.reason;
    const state = replica.containerId ? (await docker.getContainer(replica.containerId).inspect()).State : undefined;
    if (state && !state.Running && !state.Restarting) {
      throw new InfraError(
        `target ${replica.target} (${replica.containerName}) exited with code ${state.ExitCode} before it became healthy (GET ${url}: ${last})`,
        "see its log in the run folder's logs/",
      );
    }
    await new Promise((r) => setTimeout(r, health.intervalMs));
  }
  if (signal.aborted) return;
  throw new InfraError(
    `target ${replica.target} (${replica.containerName}) did not become healthy within ${health.timeoutMs}ms (GET ${url}: ${last})`,
    "raise targets.<name>.health.timeout, or check the health path and the target's log in the run folder's logs/",
  );
}
