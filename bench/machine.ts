// Where the figures came from: they are only comparable on the same kind of machine.
import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import type Docker from "dockerode";
import { round } from "./stats.ts";

export const loadAverageNow = () => round(loadavg()[0]!, 2);

export interface Machine {
  /** 1-minute load average when the bench started and ended: other work on the machine skews figures. */
  loadAverage: { start: number; end: number };
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  docker: string;
}

export async function describeMachine(docker: Docker, loadAtStart: number): Promise<Machine> {
  const osRelease = readFileSync("/etc/os-release", "utf8");
  return {
    loadAverage: { start: loadAtStart, end: loadAverageNow() },
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease)?.[1] ?? "unknown",
    kernel: release(),
    node: process.version,
    docker: (await docker.version()).Version,
  };
}

export const machineText = (m: Machine) =>
  `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os} (kernel ${m.kernel}), Node ${m.node}, Docker ${m.docker}; ` +
  `load average ${m.loadAverage.start} at the start, ${m.loadAverage.end} at the end`;
