import { byteRate, obj } from "../fields.ts";
import { formatSize } from "../../contracts/units.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface BandwidthTcParams {
  bytesPerSecond: number;
}

/** Our qdisc's handle: the undo deletes only a root qdisc with this handle. */
export const HANDLE = "5353:";

// A token bucket (tc tbf) as the root qdisc of each of the target's interfaces: everything the target
// sends (its answers, its calls) leaves at `rate` at most. Refused when an interface already has a root
// qdisc other than the default, so an undo can never remove something it did not add.
export const bandwidthTc: FaultKindSpec<BandwidthTcParams> = {
  kind: "bandwidth-tc",
  summary: "cap what the target sends at `rate` (tc tbf on its interfaces)",
  params: obj({ rate: byteRate }).transform(({ rate }) => ({ bytesPerSecond: rate })),
  window: "required",
  needs: ["nsenter", "tc-tbf"],
  instead: "kind bandwidth (fault proxy)",
  describe: (p) => `bandwidth-tc ${formatSize(p.bytesPerSecond)}/s out of ${p.target}`,
  revert: () => `delete the tbf qdisc (tc qdisc del … handle ${HANDLE}) where still there`,
};
