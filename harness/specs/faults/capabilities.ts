export const CAPABILITIES = ["root", "nsenter", "iptables", "iptables-statistic", "iptables-reject", "tc-tbf", "netem", "cgroup-v1"] as const;

export type Capability = (typeof CAPABILITIES)[number];

export interface CapabilityStatus {
  ok: boolean;
  /** What was found, in the harness's words (never a tool's raw output). */
  detail: string;
  /** How to get it, when missing. */
  fix?: string;
}

export interface HostCapabilities {
  capabilities: Record<Capability, CapabilityStatus>;
  cgroup: "v1" | "v2" | "unknown";
}

/** The needs that are missing, in the order given. */
export function missing(needs: readonly Capability[], host: HostCapabilities): { capability: Capability; status: CapabilityStatus }[] {
  return needs.filter((c) => !host.capabilities[c].ok).map((capability) => ({ capability, status: host.capabilities[capability] }));
}
