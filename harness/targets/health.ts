// Waits until every replica answers its health path, with a deadline and a message that says why not.
import type Docker from "dockerode";
import { InfraError } from "../contracts/errors.ts";
import { httpGet } from "../probes/http.ts";
import type { Replica } from "../docker/replica.ts";

export interface HealthSpec {
  path: string;
  timeoutMs: number;
  intervalMs: number;
  /** Ready on any HTTP answer (no health path configured) rather than on 2xx/3xx only. */
  anyStatus: boolean;
}

/** What readiness needs of a target: its URL, and its container when it has one (to tell a crash from slowness). */
type Endpoint = Pick<Replica, "target" | "containerName" | "url"> & { containerId?: string };

/**
 * Ready = the health path answers (any HTTP answer without one) and, for a container with a Docker health
 * check, Docker reports it healthy.
 */
export async function waitHealthy(docker: Docker, replica: Endpoint, health: HealthSpec, signal: AbortSignal, dockerCheck = false): Promise<void> {
  const deadline = Date.now() + health.timeoutMs;
  let last = "no answer yet";
  const url = replica.url + health.path;
  while (!signal.aborted && Date.now() < deadline) {
    const r = await httpGet(url, Math.min(2_000, Math.max(100, deadline - Date.now())));
    const state = replica.containerId ? (await docker.getContainer(replica.containerId).inspect()).State : undefined;
    const answered = r.ok || (health.anyStatus && r.status !== undefined);
    if (answered && (!dockerCheck || state?.Health?.Status === "healthy")) return;
    last = answered ? `Docker health check: ${state?.Health?.Status ?? "none"}` : r.reason;
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
