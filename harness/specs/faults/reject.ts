// Every packet arriving at the target's port is answered with a TCP reset (iptables REJECT): new
// connections are refused, open ones are reset at their next packet.
import type { z } from "zod";
import { obj } from "../fields.ts";
import type { FaultKindSpec } from "./fault.ts";

export const reject: FaultKindSpec = {
  kind: "reject",
  summary: "answer every packet to the target's port with a TCP reset (iptables REJECT)",
  params: obj({}) as z.ZodType<Record<string, never>>,
  window: "required",
  needs: ["nsenter", "iptables-reject"],
  instead: "kind reset-peer (fault proxy)",
  describe: (p) => `reject connections to ${p.target} (TCP reset)`,
  revert: () => "delete the REJECT rule (iptables -D) if still there",
};
