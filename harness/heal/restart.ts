import type { RestartParams } from "../specs/heal/restart.ts";
import type { HealActionRuntime } from "./action.ts";

// `docker restart`: SIGTERM, SIGKILL after `grace`, start; also starts a container that has exited and
// restarts a frozen one (the engine thaws it to deliver the signals).
export const restart: HealActionRuntime<RestartParams> = {
  run: async (ctx, p) => {
    await Promise.all(ctx.replicas.map((r) => ctx.docker.getContainer(r.containerId).restart({ t: p.graceMs / 1_000 })));
    return `restarted ${ctx.replicas.map((r) => r.containerName).join(", ")}`;
  },
};
