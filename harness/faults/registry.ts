// Every fault kind's runtime, by the names of the specs (a kind without a runtime, or a runtime without a
// spec, does not compile).
import { faultSpecs, type FaultKindName } from "../specs/faults/registry.ts";
import type { FaultKind, FaultRuntime } from "./fault.ts";
import { ruleRuntime } from "./proxy-fault.ts";
import { bandwidthTcRuntime } from "./bandwidth-tc.ts";
import { cpuBurnRuntime } from "./cpu-burn.ts";
import { cpuThrottleRuntime } from "./cpu-throttle.ts";
import { crashRuntime } from "./crash.ts";
import { diskFillRuntime } from "./disk-fill.ts";
import { killProcessRuntime } from "./kill-process.ts";
import { lossRuntime } from "./loss.ts";
import { memoryHogRuntime } from "./memory-hog.ts";
import { memoryLimitRuntime } from "./memory-limit.ts";
import { partitionRuntime } from "./partition.ts";
import { pauseRuntime } from "./pause.ts";
import { rejectRuntime } from "./reject.ts";
import { restartRuntime } from "./restart.ts";
import { stopRuntime } from "./stop.ts";

const faultRuntimes: { [K in FaultKindName]: FaultRuntime<any> } = {
  crash: crashRuntime,
  pause: pauseRuntime,
  restart: restartRuntime,
  stop: stopRuntime,
  latency: ruleRuntime(faultSpecs["latency"]),
  bandwidth: ruleRuntime(faultSpecs["bandwidth"]),
  "slow-close": ruleRuntime(faultSpecs["slow-close"]),
  timeout: ruleRuntime(faultSpecs["timeout"]),
  "reset-peer": ruleRuntime(faultSpecs["reset-peer"]),
  slicer: ruleRuntime(faultSpecs["slicer"]),
  "limit-data": ruleRuntime(faultSpecs["limit-data"]),
  blackhole: ruleRuntime(faultSpecs["blackhole"]),
  "http-error": ruleRuntime(faultSpecs["http-error"]),
  "http-abort": ruleRuntime(faultSpecs["http-abort"]),
  "http-delay": ruleRuntime(faultSpecs["http-delay"]),
  loss: lossRuntime,
  reject: rejectRuntime,
  partition: partitionRuntime,
  "bandwidth-tc": bandwidthTcRuntime,
  "cpu-throttle": cpuThrottleRuntime,
  "memory-limit": memoryLimitRuntime,
  "cpu-burn": cpuBurnRuntime,
  "memory-hog": memoryHogRuntime,
  "disk-fill": diskFillRuntime,
  "kill-process": killProcessRuntime,
};

/** A kind as the run uses it: its spec and its runtime. */
export function faultKind(name: FaultKindName): FaultKind<any> {
  return { ...faultSpecs[name], ...faultRuntimes[name] };
}
