import { obj, ratio } from "../fields.ts";
import { formatPercent } from "../../contracts/units.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface LossParams {
  ratio: number;
}

// Random packet loss on the target's port, in its network namespace (iptables `statistic`): each incoming
// packet is dropped with probability `ratio`, so a new connection's SYN is lost (the client retries after
// a second) and established streams stall on retransmissions. netem is not needed.
export const loss: FaultKindSpec<LossParams> = {
  kind: "loss",
  summary: "drop `ratio` of the packets arriving at the target's port (iptables statistic)",
  params: obj({ ratio }),
  window: "required",
  needs: ["nsenter", "iptables-statistic"],
  instead: "kind reset-peer with `probability` (fault proxy)",
  describe: (p) => `loss ${formatPercent(p.ratio)} of packets to ${p.target}`,
  revert: () => "delete the DROP rule (iptables -D) if still there",
};
