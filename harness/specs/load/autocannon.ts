// autocannon as validation sees it: closed model only, one rate cap for the whole run (the runtime is
// harness/load/autocannon.ts).
import type { LoadEngineSpec } from "./engine.ts";

export const autocannonSpec: LoadEngineSpec = {
  kind: "autocannon",
  summary: "closed model, in-process: `connections` each send the next request when the previous ends (rate = cap)",
  models: ["closed"],
  // autocannon refuses a timeout under one second.
  minTimeoutMs: 1_000,
  refuses: {
    stages: "autocannon keeps one rate cap for the whole run; ramps need model: open",
    script: "scripts are for engine: k6",
  },
};
