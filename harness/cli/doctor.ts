// `steadystate doctor`: what this machine has for steadystate, and how to add what is missing. Required:
// Docker, root, and the host features the fault library uses (nsenter, iptables with its statistic and
// REJECT modules, tc tbf, the cgroup v1 files of the resource faults). Optional: netem (the fault proxy
// replaces it) and tools other parts use.
import which from "which";
import { detectCapabilities } from "../faults/capabilities.ts";
import { CHROMIUM_INSTALL, chromiumPath } from "../journeys/browser.ts";
import { connectDocker, DOCKER_FIX } from "../docker/docker.ts";
import { table } from "../../reports/text-table.ts";
import type { Capability, HostCapabilities } from "../specs/faults/capabilities.ts";
export interface DoctorCheck {
  name: string;
  required: boolean;
  ok: boolean;
  detail: string;
  fix?: string;
}

const KERNEL: { capability: Capability; name: string; required: boolean }[] = [
  { capability: "root", name: "root", required: true },
  { capability: "nsenter", name: "nsenter", required: true },
  { capability: "iptables", name: "iptables", required: true },
  { capability: "iptables-statistic", name: "iptables statistic", required: true },
  { capability: "iptables-reject", name: "iptables REJECT", required: true },
  { capability: "tc-tbf", name: "tc qdisc tbf", required: true },
  { capability: "netem", name: "tc qdisc netem", required: false },
  { capability: "cgroup-v1", name: "cgroup v1", required: true },
];

/** `find`: where the harness itself looks, when that is not PATH. */
const TOOLS: { bin: string; fix: string; usedBy: string; find?: (env: NodeJS.ProcessEnv) => string | null }[] = [
  { bin: "prometheus", fix: "apt-get install -y prometheus", usedBy: "alert detection" },
  { bin: "prometheus-alertmanager", fix: "apt-get install -y prometheus-alertmanager", usedBy: "alert detection" },
  { bin: "haproxy", fix: "apt-get install -y haproxy", usedBy: "load-balanced replicas" },
  { bin: "chromium", fix: CHROMIUM_INSTALL, usedBy: "browser journeys", find: (env) => found(() => chromiumPath(env)) },
  { bin: "k6", fix: "install the k6 binary from https://k6.io (there is no Debian package)", usedBy: "the k6 load engine" },
];

/** One row per host capability the fault library uses, in the order of KERNEL. */
export function capabilityChecks(host: HostCapabilities): DoctorCheck[] {
  return KERNEL.map(({ capability, name, required }) => {
    const s = host.capabilities[capability];
    return { name, required, ok: s.ok, detail: s.detail, ...(s.fix && !s.ok ? { fix: s.fix } : {}) };
  });
}

export async function doctorChecks(): Promise<DoctorCheck[]> {
  const [docker, host] = await Promise.all([dockerCheck(), detectCapabilities()]);
  return [docker, ...capabilityChecks(host), ...(await toolChecks())];
}

/** One row per optional tool, found where runs will look for it. */
export async function toolChecks(env: NodeJS.ProcessEnv = process.env): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  for (const tool of TOOLS) {
    const path = tool.find ? tool.find(env) : await which(tool.bin, { nothrow: true, path: env.PATH });
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

function found(locate: () => string): string | null {
  try {
    return locate();
  } catch {
    return null; // the row says how to install it
  }
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
