// Where the figures came from: they are only comparable on the same kind of machine.
import { readFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import type Docker from "dockerode";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  docker: string;
}

export async function describeMachine(docker: Docker): Promise<Machine> {
  const osRelease = readFileSync("/etc/os-release", "utf8");
  return {
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
  `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os} (kernel ${m.kernel}), Node ${m.node}, Docker ${m.docker}`;
