// Every fault kind's spec, by name: what validation, plans and `steadystate kinds` read. Adding a kind = its
// spec here, its runtime in harness/faults/registry.ts, a row in docs/faults.md.
import type { FaultKindSpec } from "./fault.ts";
import { bandwidthTc } from "./bandwidth-tc.ts";
import { cpuBurn } from "./cpu-burn.ts";
import { cpuThrottle } from "./cpu-throttle.ts";
import { crash } from "./crash.ts";
import { diskFill } from "./disk-fill.ts";
import { httpAbort, httpDelay, httpError } from "./http-faults.ts";
import { killProcess } from "./kill-process.ts";
import { loss } from "./loss.ts";
import { memoryHog } from "./memory-hog.ts";
import { memoryLimit } from "./memory-limit.ts";
import { partition } from "./partition.ts";
import { pause } from "./pause.ts";
import { bandwidth, blackhole, latency, limitData, resetPeer, slicer, slowClose, timeout } from "./proxy-toxics.ts";
import { reject } from "./reject.ts";
import { restart } from "./restart.ts";
import { stop } from "./stop.ts";

export const faultSpecs = {
  crash,
  pause,
  restart,
  stop,
  latency,
  bandwidth,
  "slow-close": slowClose,
  timeout,
  "reset-peer": resetPeer,
  slicer,
  "limit-data": limitData,
  blackhole,
  "http-error": httpError,
  "http-abort": httpAbort,
  "http-delay": httpDelay,
  loss,
  reject,
  partition,
  "bandwidth-tc": bandwidthTc,
  "cpu-throttle": cpuThrottle,
  "memory-limit": memoryLimit,
  "cpu-burn": cpuBurn,
  "memory-hog": memoryHog,
  "disk-fill": diskFill,
  "kill-process": killProcess,
} as const satisfies Record<string, FaultKindSpec<any>>;
export type FaultKindName = keyof typeof faultSpecs;
export const faultKinds = Object.keys(faultSpecs) as FaultKindName[];
