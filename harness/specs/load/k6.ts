// k6 as validation sees it: its script sets the model, rate and requests, and the k6 binary must be on PATH
// (the runtime is harness/load/k6.ts).
import which from "which";
import type { LoadEngineSpec } from "./engine.ts";

export const K6_INSTALL = "https://grafana.com/docs/k6/latest/set-up/install-k6/";

export const k6Spec: LoadEngineSpec = {
  kind: "k6",
  summary: "runs `script` in the k6 binary on PATH; its JSON output is recorded like any request",
  models: ["closed", "open"],
  refuses: {
    model: "the script's executors set the model",
    rate: "the script's executors set the rate",
    stages: "the script's executors set the stages",
    connections: "the script's executors set the VUs",
    requests: "the script makes the requests",
    path: "the script makes the requests",
    method: "the script makes the requests",
    headers: "the script makes the requests",
    body: "the script makes the requests",
  },
  unavailable: () =>
    which.sync("k6", { nothrow: true })
      ? undefined
      : `k6 is not installed (no k6 on PATH): install it (${K6_INSTALL}), or use engine: autocannon (closed model) or engine: undici (open model)`,
};
