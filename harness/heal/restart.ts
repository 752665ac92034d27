import { obj, stopGrace } from "../specs/fields.ts";
import type { HealAction } from "./action.ts";

interface RestartParams {
  graceMs: number;
}

// `docker restart`: SIGTERM, SIGKILL after `grace`, start; also starts a container that has exited and
// restarts a frozen one (the engine thaws it to deliver the signals).
export const restart: HealAction<RestartParams> = {
  action: "restart",
  summary: "docker restart of the failing replicas (SIGTERM, SIGKILL after `grace`, start)",
  params: obj({ grace: stopGrace(1_000) }).transform(({ grace }) => ({ graceMs: grace })),
  scope: "replicas",
  describe: (p, target) => `restart ${target} (grace ${p.graceMs}ms)`,
  run: async (ctx, p) => {
    await Promise.all(ctx.replicas.map((r) => ctx.docker.getContainer(r.containerId).restart({ t: p.graceMs / 1_000 })));
    return `restarted ${ctx.replicas.map((r) => r.containerName).join(", ")}`;
  },
};
