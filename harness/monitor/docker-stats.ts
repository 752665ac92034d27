import type { ResourceSample } from "../contracts/journal.ts";

/** The part of a stats message this reads (Docker Engine API 1.41). */
export interface DockerStats {
  read: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

/** A stopped container's stats carry Go's zero time. */
const NOT_RUNNING = "0001-01-01T00:00:00Z";

export function sampleOf(s: DockerStats, restarts: number, now: number): ResourceSample {
  if (s.read === NOT_RUNNING || !s.read) return { at: now, cpuPercent: 0, memoryBytes: 0, restarts, rxBytes: 0, txBytes: 0 };
  const cpu = s.cpu_stats;
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const online = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1;
  // After a restart the counters start again from 0 while precpu still holds the old ones: no rate then.
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * online * 100 : 0;
  const usage = s.memory_stats?.usage ?? 0;
  const inactive = s.memory_stats?.stats?.total_inactive_file ?? s.memory_stats?.stats?.inactive_file ?? 0;
  const nets = Object.values(s.networks ?? {});
  return {
    at: Date.parse(s.read),
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    memoryBytes: inactive < usage ? usage - inactive : usage,
    restarts,
    rxBytes: nets.reduce((n, x) => n + (x.rx_bytes ?? 0), 0),
    txBytes: nets.reduce((n, x) => n + (x.tx_bytes ?? 0), 0),
  };
}
