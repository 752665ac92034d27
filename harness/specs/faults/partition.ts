import { z } from "zod";
import { obj } from "../fields.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface PartitionParams {
  from?: string | undefined;
}

// Two ways to cut a target off:
// - from its networks (no `from`): `docker network disconnect`, from the run network for a target the run
//   started (its published port lives on a network of its own), from every network it is on for a
//   container the scenario names. Before each disconnect, the reconnect (same DNS aliases, same configured
//   addresses) goes to the undo log, so `cleanup` reconnects it after a SIGKILL. Everyone, the host's
//   published port of a named container included, loses it.
// - from one other target (`from`): in each side's network namespace, packets from the other side (its
//   replicas and, if it has one, the fault proxy answering as it) are dropped (iptables). Connections hang
//   rather than fail fast, as in a real partition. Both sides are on the run network (validation refuses
//   `from` on or to a named container).
export const partition: FaultKindSpec<PartitionParams> = {
  kind: "partition",
  summary: "cut the target off its network(s) (docker network disconnect), or only from the target `from` (iptables)",
  params: obj({ from: z.string().optional() }),
  window: "required",
  needs: (p) => (p.from ? ["nsenter", "iptables"] : []),
  detaches: (p) => !p.from,
  instead: "kind blackhole with `from` (fault proxy), or partition without `from` (network disconnect)",
  describe: (p) => (p.from ? `partition ${p.target} from ${p.from}` : `partition ${p.target} from the network`),
  revert: (p) =>
    p.from
      ? "delete the DROP rules on both sides (iptables -D) where still there"
      : "connect it again to each network it left, with the same aliases and configured addresses",
};
