// What this host can do for kernel-level faults, found by trying it: each iptables/tc probe runs in a
// throwaway network namespace (`unshare --net`), so nothing on the host changes. Fault kinds declare what
// they need (`needs`); a scenario whose faults need something missing is refused before any container
// starts, with what is missing and what to use instead. The resource faults need root and the cgroup v1
// files they write (see cgroup.ts). `steadystate doctor` prints the same findings.
import { execFile } from "node:child_process";
import { access, statfs } from "node:fs/promises";
import { join } from "node:path";
import which from "which";
import { CGROUP_ROOT } from "./cgroup.ts";
import type { CapabilityStatus, HostCapabilities } from "../specs/faults/capabilities.ts";
const PROBE_TIMEOUT_MS = 5_000;
const CGROUP2_SUPER_MAGIC = 0x63677270;
const CGROUP_SUPER_MAGIC = 0x27e0eb;
/** What the resource faults read and write, per v1 controller (a container's own directory has the same files). */
const CGROUP_V1_FILES = { cpu: ["cpu.cfs_quota_us", "cpu.cfs_period_us"], cpuacct: ["cgroup.procs"], memory: ["memory.limit_in_bytes", "memory.oom_control"] };
const CGROUP_V1_FIX = "boot the Docker host with cgroup v1 (kernel parameter systemd.unified_cgroup_hierarchy=0), or leave the resource faults out";

interface Tool {
  bin: string;
  package: string;
}
const IPTABLES: Tool = { bin: "iptables", package: "iptables" };
const TC: Tool = { bin: "tc", package: "iproute2" };

/** argv run in a new, empty network namespace; resolves to whether it exited 0. */
function inThrowawayNetns(argv: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile("unshare", ["--net", "--", ...argv], { timeout: PROBE_TIMEOUT_MS }, (error) => resolve(!error));
  });
}

const onPath = async (bin: string) => (await which(bin, { nothrow: true })) !== null;

async function kernelProbe(tool: Tool, argv: string[], missing: string, fix: string, found: string): Promise<CapabilityStatus> {
  if (!(await onPath(tool.bin))) return { ok: false, detail: `${tool.bin} is not installed`, fix: `apt-get install -y ${tool.package}` };
  if (!(await onPath("unshare")) || process.getuid?.() !== 0) {
    return { ok: false, detail: `cannot try ${tool.bin} in a throwaway network namespace (needs root and unshare)`, fix: "run steadystate as root" };
  }
  return (await inThrowawayNetns([tool.bin, ...argv])) ? { ok: true, detail: found } : { ok: false, detail: missing, fix };
}

async function detectNsenter(): Promise<CapabilityStatus> {
  if (!(await onPath("nsenter"))) return { ok: false, detail: "nsenter is not installed", fix: "apt-get install -y util-linux" };
  if (process.getuid?.() !== 0) return { ok: false, detail: "nsenter needs root to enter a container's network namespace", fix: "run steadystate as root" };
  return { ok: true, detail: "nsenter available, running as root" };
}

function detectRoot(): CapabilityStatus {
  const uid = process.getuid?.();
  if (uid === 0) return { ok: true, detail: "running as root" };
  return { ok: false, detail: `running as uid ${uid}: faults that reach host PIDs or cgroup files need root`, fix: "run steadystate as root" };
}

async function detectCgroup(): Promise<HostCapabilities["cgroup"]> {
  try {
    const fs = await statfs(CGROUP_ROOT);
    if (fs.type === CGROUP2_SUPER_MAGIC) return "v2";
    await statfs(join(CGROUP_ROOT, "memory"));
    return "v1";
  } catch {
    return "unknown";
  }
}

/** The cgroup v1 layout the resource faults write to: each controller mounted at /sys/fs/cgroup/<controller>. */
export async function cgroupV1Status(version: HostCapabilities["cgroup"]): Promise<CapabilityStatus> {
  if (version === "v2") {
    return { ok: false, detail: "this host uses cgroup v2 (unified hierarchy): resource faults write cgroup v1 files", fix: CGROUP_V1_FIX };
  }
  if (version === "unknown") return { ok: false, detail: `no cgroup hierarchy found at ${CGROUP_ROOT}`, fix: CGROUP_V1_FIX };
  const absent: string[] = [];
  for (const [controller, files] of Object.entries(CGROUP_V1_FILES)) {
    const dir = join(CGROUP_ROOT, controller);
    const mounted = await statfs(dir).then((fs) => fs.type === CGROUP_SUPER_MAGIC, () => false);
    if (!mounted) absent.push(dir);
    else for (const f of files) if (!(await access(join(dir, f)).then(() => true, () => false))) absent.push(join(dir, f));
  }
  if (absent.length) return { ok: false, detail: `cgroup v1 without the layout resource faults write to (missing ${absent.join(", ")})`, fix: CGROUP_V1_FIX };
  return { ok: true, detail: `cgroup v1, cpu, cpuacct and memory controllers at ${CGROUP_ROOT}/<controller>` };
}

const KERNEL_FIX = "use a kernel with this module (or load it with modprobe)";

async function detect(): Promise<HostCapabilities> {
  const [nsenter, iptables, statistic, reject, tbf, netem, cgroup] = await Promise.all([
    detectNsenter(),
    kernelProbe(IPTABLES, ["-w", "5", "-S"], "iptables does not work in a network namespace here", KERNEL_FIX, "iptables works"),
    kernelProbe(
      IPTABLES,
      ["-w", "5", "-A", "INPUT", "-m", "statistic", "--mode", "random", "--probability", "0.5", "-j", "DROP"],
      "the iptables statistic match is not available in this kernel (xt_statistic)",
      KERNEL_FIX,
      "iptables statistic match works",
    ),
    kernelProbe(
      IPTABLES,
      ["-w", "5", "-A", "INPUT", "-p", "tcp", "-j", "REJECT", "--reject-with", "tcp-reset"],
      "the iptables REJECT target is not available in this kernel (ipt_REJECT)",
      KERNEL_FIX,
      "iptables REJECT --reject-with tcp-reset works",
    ),
    kernelProbe(
      TC,
      ["qdisc", "add", "dev", "lo", "root", "tbf", "rate", "1mbit", "burst", "32kbit", "latency", "400ms"],
      "the tbf qdisc is not available in this kernel (sch_tbf)",
      KERNEL_FIX,
      "tc qdisc tbf works",
    ),
    kernelProbe(
      TC,
      ["qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"],
      "netem is not available in this kernel (sch_netem)",
      "load sch_netem (modprobe sch_netem); steadystate does not need it: latency, jitter and loss go through its fault proxy",
      "tc qdisc netem works",
    ),
    detectCgroup(),
  ]);
  return {
    capabilities: {
      root: detectRoot(),
      nsenter,
      iptables,
      "iptables-statistic": statistic,
      "iptables-reject": reject,
      "tc-tbf": tbf,
      netem,
      "cgroup-v1": await cgroupV1Status(cgroup),
    },
    cgroup,
  };
}

let cached: Promise<HostCapabilities> | undefined;

/** Probes once per process; later calls share the result. */
export function detectCapabilities(): Promise<HostCapabilities> {
  cached ??= detect();
  return cached;
}

