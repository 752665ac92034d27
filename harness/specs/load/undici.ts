// The open-model engine on undici as validation sees it (the runtime is harness/load/undici.ts).
import type { LoadEngineSpec } from "./engine.ts";

export const undiciSpec: LoadEngineSpec = {
  kind: "undici",
  summary: "open model: requests start on a schedule (constant rate or stages), whatever the response times",
  models: ["open"],
  refuses: { script: "scripts are for engine: k6" },
};
