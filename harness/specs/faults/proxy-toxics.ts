// The TCP toxics as fault kinds (Toxiproxy's vocabulary), acting in fault proxies: on the host side in
// front of the target (load and probes see them), or with `from: DEPENDENT` on the link the dependent
// uses to reach the target. Each takes `direction` (default downstream, as in Toxiproxy) and `probability`.
import { byteRate, duration, int, obj, size } from "../fields.ts";
import { formatDuration, formatSize } from "../../contracts/units.ts";
import { toxicFault, toxicShape } from "./proxy-fault.ts";

export const latency = toxicFault({
  kind: "latency",
  summary: "delay data by `delay` ± `jitter` (fault proxy)",
  params: obj({ delay: duration, jitter: duration.default(0), ...toxicShape }).transform(({ delay, jitter, ...rest }) => ({
    ...rest,
    delayMs: delay,
    jitterMs: jitter,
  })),
  spec: (p) => ({ toxic: "latency", delayMs: p.delayMs, jitterMs: p.jitterMs }),
  effect: (p) => `+${formatDuration(p.delayMs)}${p.jitterMs ? ` ±${formatDuration(p.jitterMs)}` : ""}`,
});

export const bandwidth = toxicFault({
  kind: "bandwidth",
  summary: "cap throughput at `rate` (fault proxy)",
  params: obj({ rate: byteRate, ...toxicShape }).transform(({ rate, ...rest }) => ({ ...rest, bytesPerSecond: rate })),
  spec: (p) => ({ toxic: "bandwidth", bytesPerSecond: p.bytesPerSecond }),
  effect: (p) => `${formatSize(p.bytesPerSecond)}/s`,
});

export const slowClose = toxicFault({
  kind: "slow-close",
  summary: "hold each connection's close (FIN) for `delay` (fault proxy)",
  params: obj({ delay: duration, ...toxicShape }).transform(({ delay, ...rest }) => ({ ...rest, delayMs: delay })),
  spec: (p) => ({ toxic: "slow-close", delayMs: p.delayMs }),
  effect: (p) => `by ${formatDuration(p.delayMs)}`,
});

export const timeout = toxicFault({
  kind: "timeout",
  summary: "let no data through, close the connection after `timeout` (0: never) (fault proxy)",
  params: obj({ timeout: duration.default(0), ...toxicShape }).transform(({ timeout, ...rest }) => ({ ...rest, timeoutMs: timeout })),
  spec: (p) => ({ toxic: "timeout", timeoutMs: p.timeoutMs }),
  effect: (p) => (p.timeoutMs ? `closing after ${formatDuration(p.timeoutMs)}` : "holding"),
});

export const resetPeer = toxicFault({
  kind: "reset-peer",
  summary: "reset (TCP RST) the connection `timeout` after data arrives (fault proxy)",
  params: obj({ timeout: duration.default(0), ...toxicShape }).transform(({ timeout, ...rest }) => ({ ...rest, timeoutMs: timeout })),
  spec: (p) => ({ toxic: "reset-peer", timeoutMs: p.timeoutMs }),
  effect: (p) => (p.timeoutMs ? `after ${formatDuration(p.timeoutMs)}` : ""),
});

export const slicer = toxicFault({
  kind: "slicer",
  summary: "cut data into `averageSize` ± `sizeVariation` byte pieces, `delay` apart (fault proxy)",
  params: obj({ averageSize: int(1, 1 << 20).default(64), sizeVariation: int(0, 1 << 20).default(0), delay: duration.default(0), ...toxicShape })
    .refine((p) => p.sizeVariation < p.averageSize, { message: "sizeVariation must be smaller than averageSize", path: ["sizeVariation"] })
    .transform(({ delay, ...rest }) => ({ ...rest, delayMs: delay })),
  spec: (p) => ({ toxic: "slicer", averageSize: p.averageSize, sizeVariation: p.sizeVariation, delayMs: p.delayMs }),
  effect: (p) => `into ${p.averageSize}${p.sizeVariation ? `±${p.sizeVariation}` : ""}B pieces${p.delayMs ? ` ${formatDuration(p.delayMs)} apart` : ""}`,
});

export const limitData = toxicFault({
  kind: "limit-data",
  summary: "close each connection after `bytes` bytes (fault proxy)",
  params: obj({ bytes: size, ...toxicShape }),
  spec: (p) => ({ toxic: "limit-data", bytes: p.bytes }),
  effect: (p) => `after ${formatSize(p.bytes)}`,
});

export const blackhole = toxicFault({
  kind: "blackhole",
  summary: "accept connections and never answer (fault proxy)",
  params: obj({ ...toxicShape }),
  spec: () => ({ toxic: "blackhole" }),
  effect: () => "",
});
