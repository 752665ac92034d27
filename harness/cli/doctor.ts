// `steadystate doctor`: what this machine has for steadystate, and how to add what is missing. Required:
// Docker, root, and the kernel features the fault library uses (nsenter, iptables with its statistic and
// REJECT modules, tc tbf). Optional: netem (the fault proxy replaces it) and tools other parts use.
import which from "which";
import { detectCapabilities, type Capability } from "../faults/capabilities.ts";
import { connectDocker, DOCKER_FIX } from "../targets/docker.ts";
import { table } from "./summary.ts";

export interface DoctorCheck {
  name: string;
  required: boolean;
  ok: boolean;
  detail: string;
  fix?: string;
}

const KERNEL: { capability: Capability; name: string; required: boolean }[] = [
  { capability: "nsenter", name: "nsenter", required: true },
  { capability: "iptables", name: "iptables", required: true },
  { capability: "iptables-statistic", name: "iptables statistic", required: true },
  { capability: "iptables-reject", name: "iptables REJECT", required: true },
  { capability: "tc-tbf", name: "tc qdisc tbf", required: true },
  { capability: "netem", name: "tc qdisc netem", required: false },
];

const TOOLS: { bin: string; fix: string; usedBy: string }[] = [
  { bin: "prometheus", fix: "apt-get install -y prometheus", usedBy: "alert detection" },
  { bin: "prometheus-alertmanager", fix: "apt-get install -y prometheus-alertmanager", usedBy: "alert detection" },
  { bin: "haproxy", fix: "apt-get install -y haproxy", usedBy: "load-balanced replicas" },
  { bin: "chromium", fix: "apt-get install -y --no-install-recommends chromium", usedBy: "browser journeys" },
  { bin: "k6", fix: "install the k6 binary from https://k6.io (there is no Debian package)", usedBy: "the k6 load engine" },
];

export async function doctorChecks(): Promise<DoctorCheck[]> {
  const [docker, host] = await Promise.all([dockerCheck(), detectCapabilities()]);
  const root = process.getuid?.() === 0;
  const checks: DoctorCheck[] = [
    docker,
    {
      name: "root",
      required: true,
      ok: root,
      detail: root ? "running as root" : `running as uid ${process.getuid?.()}: crash and kernel faults need root`,
      ...(root ? {} : { fix: "run steadystate as root" }),
    },
    ...KERNEL.map(({ capability, name, required }) => {
      const s = host.capabilities[capability];
      return { name, required, ok: s.ok, detail: s.detail, ...(s.fix && !s.ok ? { fix: s.fix } : {}) };
    }),
    {
      name: "cgroup",
      required: true,
      ok: host.cgroup !== "unknown",
      detail: host.cgroup === "unknown" ? "no cgroup hierarchy found at /sys/fs/cgroup" : `cgroup ${host.cgroup}`,
      ...(host.cgroup === "unknown" ? { fix: "mount the cgroup hierarchy at /sys/fs/cgroup" } : {}),
    },
  ];
  for (const tool of TOOLS) {
    const path = await which(tool.bin, { nothrow: true });
    checks.push({
      name: tool.bin,
      required: false,
      ok: path !== null,
      detail: path ? path : `not installed (needed for ${tool.usedBy})`,
      ...(path ? {} : { fix: tool.fix }),
    });
  }
  return checks;
}

async function dockerCheck(): Promise<DoctorCheck> {
  try {
    const docker = await connectDocker();
    const v = await docker.version();
    return { name: "docker", required: true, ok: true, detail: `Docker ${v.Version} (API ${v.ApiVersion})` };
  } catch (e) {
    return { name: "docker", required: true, ok: false, detail: (e as Error).message, fix: DOCKER_FIX };
  }
}

export function renderDoctor(checks: readonly DoctorCheck[]): string {
  const result = (c: DoctorCheck) => (c.ok ? "ok" : c.required ? "MISSING" : "absent");
  const rows = checks.map((c) => [c.name, c.required ? "required" : "optional", result(c), c.detail]);
  // One line per fix, naming every check it repairs.
  const byFix = new Map<string, string[]>();
  for (const c of checks) if (!c.ok && c.fix) byFix.set(c.fix, [...(byFix.get(c.fix) ?? []), c.name]);
  const fixes = [...byFix].map(([fix, names]) => `  ${names.join(", ")}: ${fix}`);
  const missingRequired = checks.filter((c) => c.required && !c.ok).length;
  return [
    table(["check", "needed", "result", "detail"], rows),
    ...(fixes.length ? ["", "to fix:", ...fixes] : []),
    "",
    missingRequired ? `${missingRequired} required check(s) failed` : "everything required is here",
    "",
  ].join("\n");
}
