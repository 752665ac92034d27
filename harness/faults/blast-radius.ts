// The blast-radius guard, checked against Docker itself right before every injection: a fault may hit only
// a container this run created (labelled with its run id) or one the scenario names (`container:`, found
// by id when the run started, so a different container that took the name later is refused too). A
// replayed undo log is held to the same radius (restore-check.ts).
import type Docker from "dockerode";
import { RUN_LABEL } from "../docker/labels.ts";
import type { Replica } from "../docker/replica.ts";

export interface BlastRadius {
  runId: string;
  /** Ids of the containers the scenario names. */
  external: ReadonlySet<string>;
}

export async function checkBlastRadius(docker: Docker, radius: BlastRadius, victims: readonly Replica[]): Promise<void> {
  for (const v of victims) {
    const info = await docker.getContainer(v.containerId).inspect();
    const outside = outsideRadius(info, radius);
    if (outside) throw new Error(`refusing to touch container ${info.Name.replace(/^\//, "")}: ${outside}`);
  }
}

/** Why a container is outside the run's blast radius, or undefined when the run may touch it. */
export function outsideRadius(info: Docker.ContainerInspectInfo, radius: BlastRadius): string | undefined {
  if (info.Config.Labels?.[RUN_LABEL] === radius.runId || radius.external.has(info.Id)) return undefined;
  return `it was neither created by this run (label ${RUN_LABEL}=${radius.runId}) nor named in the scenario (targets.NAME.container)`;
}
