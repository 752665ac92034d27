// What starting targets needs from the run: the Docker client, the run's id and folder, its teardown stack
// and abort signal, and where to log.
import type Docker from "dockerode";
import type { Teardown } from "../contracts/teardown.ts";

export interface TargetsContext {
  docker: Docker;
  runId: string;
  runDir: string;
  teardown: Teardown;
  signal: AbortSignal;
  log(message: string): void;
  /** A timeline event of another type (e.g. `balancer`), at a given time when it is known exactly. */
  event?(type: string, message: string, at?: number): void;
}
