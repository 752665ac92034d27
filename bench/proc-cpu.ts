// CPU time of another process, from procfs: for the processes the bench measures from outside (a proxy,
// HAProxy, a `steadystate run`), where process.cpuUsage() cannot be called.
import { readFileSync } from "node:fs";

/** CPU time (user + system, every thread) a process has used so far: procfs, in clock ticks of 10 ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // from field 3 (state); the name may hold spaces
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface CpuSample {
  /** Date.now() when read. */
  at: number;
  cpuMs: number;
}

/**
 * Reads a process's CPU time every `everyMs` until it exits or stop() is called: the part of its life that
 * matters (e.g. a run's load phase) is only known afterwards, from its journal.
 */
export function sampleCpu(pid: number, everyMs: number): { stop(): CpuSample[] } {
  const samples: CpuSample[] = [];
  const read = () => {
    try {
      samples.push({ at: Date.now(), cpuMs: cpuMs(pid) });
    } catch {
      clearInterval(timer); // the process has ended
    }
  };
  const timer = setInterval(read, everyMs);
  read();
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/**
 * CPU time per millisecond of wall time between the first sample at or after `from` and the last at or
 * before `to`; undefined when fewer than two samples fall inside.
 */
export function cpuShare(samples: readonly CpuSample[], from: number, to: number): number | undefined {
  const inside = samples.filter((s) => s.at >= from && s.at <= to);
  const first = inside[0];
  const last = inside[inside.length - 1];
  if (!first || !last || last.at === first.at) return undefined;
  return (last.cpuMs - first.cpuMs) / (last.at - first.at);
}
