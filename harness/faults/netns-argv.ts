// The argv of every change the network faults make in a container's namespace, one builder per shape. The
// faults build their changes with these, and a replayed undo log is checked against the same builders
// (isKnownRevert): a `netns` step runs only when it is exactly what one of them makes.
import { isIP } from "node:net";
import { isDeepStrictEqual } from "node:util";
import type { NetnsCheck } from "../contracts/restore-steps.ts";
import { HANDLE } from "../specs/faults/bandwidth-tc.ts";

const IPTABLES = ["iptables", "-w", "5"];
/** The chain every iptables fault inserts its rule in. */
export const CHAIN = "INPUT";

export interface NetnsArgv {
  apply: string[];
  revert: string[];
  check: NetnsCheck;
}

/** An iptables rule inserted first in the chain; deleted by the same spec. */
export function iptablesArgv(spec: string[]): NetnsArgv {
  return {
    apply: [...IPTABLES, "-I", CHAIN, "1", ...spec],
    revert: [...IPTABLES, "-D", CHAIN, ...spec],
    check: { argv: [...IPTABLES, "-C", CHAIN, ...spec] },
  };
}

/** loss: drops this share of the packets to the port. */
export const lossSpec = (port: number, ratio: number) => [
  "-p", "tcp", "--dport", String(port),
  "-m", "statistic", "--mode", "random", "--probability", String(ratio),
  "-j", "DROP",
];

/** reject: resets every connection to the port. */
export const rejectSpec = (port: number) => ["-p", "tcp", "--dport", String(port), "-j", "REJECT", "--reject-with", "tcp-reset"];

/** partition between targets: drops everything from an address. */
export const dropFromSpec = (address: string) => ["-s", address, "-j", "DROP"];

/** bandwidth-tc: a token bucket as the interface's root qdisc, under our handle only. */
export function tbfArgv(dev: string, bytesPerSecond: number): NetnsArgv & { qdisc: string[] } {
  // The bucket must hold at least one full packet and a timer tick's worth of bytes.
  const burst = Math.max(4_096, Math.ceil(bytesPerSecond / 50));
  const qdisc = ["tbf", "rate", `${bytesPerSecond * 8}bit`, "burst", String(burst), "latency", "400ms"];
  return {
    qdisc,
    apply: ["tc", "qdisc", "add", "dev", dev, "root", "handle", HANDLE, ...qdisc],
    revert: ["tc", "qdisc", "del", "dev", dev, "root", "handle", HANDLE],
    check: { argv: ["tc", "qdisc", "show", "dev", dev, "root"], includes: `qdisc tbf ${HANDLE}` },
  };
}

// Parameters read back from a logged argv, each refused (undefined) unless it is what a fault could have
// built; the builders then make the whole argv again, which must match the logged one exactly.
const port = (s: string | undefined) => (s !== undefined && /^\d{1,5}$/.test(s) && Number(s) >= 1 && Number(s) <= 65_535 ? Number(s) : undefined);
const ratio = (s: string | undefined) => (s !== undefined && Number(s) > 0 && Number(s) <= 1 ? Number(s) : undefined);
const address = (s: string | undefined) => (s !== undefined && isIP(s) ? s : undefined);
const device = (s: string | undefined) => (s !== undefined && /^[\w.-]{1,15}$/.test(s) ? s : undefined);

/** Every change a fault could have made whose undo `revert` may be, with its parameters read from it. */
function candidates(revert: readonly string[]): NetnsArgv[] {
  const spec = revert.slice(IPTABLES.length + 2);
  const [p, r, a, d] = [port(spec[3]), ratio(spec[9]), address(spec[1]), device(revert[4])];
  return [
    p !== undefined && r !== undefined && iptablesArgv(lossSpec(p, r)),
    p !== undefined && iptablesArgv(rejectSpec(p)),
    a !== undefined && iptablesArgv(dropFromSpec(a)),
    // The undo of a qdisc does not depend on its rate.
    d !== undefined && tbfArgv(d, 1),
  ].filter((c): c is NetnsArgv => !!c);
}

/** Whether a logged undo (revert argv and its check) is exactly one a network fault makes. */
export function isKnownRevert(revert: readonly string[], check: NetnsCheck): boolean {
  return candidates(revert).some((c) => isDeepStrictEqual({ revert: c.revert, check: c.check }, { revert, check }));
}
