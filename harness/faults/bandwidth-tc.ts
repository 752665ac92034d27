import type Docker from "dockerode";
import type { Replica } from "../docker/replica.ts";
import { onEachVictim } from "./fault.ts";
import { applyChanges, inNetns, interfaces, type NetnsChange } from "./netns.ts";
import type { FaultRuntime } from "./fault.ts";
import { HANDLE, type BandwidthTcParams } from "../specs/faults/bandwidth-tc.ts";

/** tc's answer for an interface that is gone (a partition disconnected its network meanwhile). */
const DEVICE_GONE = /Cannot find device/;

export const bandwidthTcRuntime: FaultRuntime<BandwidthTcParams> = {
  inject: (ctx, p) =>
    onEachVictim(ctx, async (victim) => {
      const changes: NetnsChange[] = [];
      for (const dev of await interfaces(ctx.docker, victim)) {
        const current = await rootQdisc(ctx.docker, victim, dev);
        if (current === undefined) continue; // gone since listed: a partition disconnected its network
        if (!current.startsWith("qdisc noqueue ")) {
          throw new Error(`${dev} already has a root qdisc (${current.split(" ").slice(0, 3).join(" ")}): is another bandwidth fault in force?`);
        }
        changes.push(tbf(victim, dev, p.bytesPerSecond));
      }
      return applyChanges(ctx, changes);
    }),
};

/** The interface's root qdisc, or undefined when the interface no longer exists. */
async function rootQdisc(docker: Docker, replica: Replica, dev: string): Promise<string | undefined> {
  try {
    return (await inNetns(docker, replica, ["tc", "qdisc", "show", "dev", dev, "root"])).trim();
  } catch (e) {
    if (DEVICE_GONE.test((e as Error).message)) return undefined;
    throw e;
  }
}

function tbf(replica: Replica, dev: string, bytesPerSecond: number): NetnsChange {
  // The bucket must hold at least one full packet and a timer tick's worth of bytes.
  const burst = Math.max(4_096, Math.ceil(bytesPerSecond / 50));
  const qdisc = ["tbf", "rate", `${bytesPerSecond * 8}bit`, "burst", String(burst), "latency", "400ms"];
  return {
    replica,
    describe: `tc qdisc add dev ${dev} root handle ${HANDLE} ${qdisc.join(" ")}`,
    apply: ["tc", "qdisc", "add", "dev", dev, "root", "handle", HANDLE, ...qdisc],
    revert: ["tc", "qdisc", "del", "dev", dev, "root", "handle", HANDLE],
    check: { argv: ["tc", "qdisc", "show", "dev", dev, "root"], includes: `qdisc tbf ${HANDLE}` },
    goneIf: DEVICE_GONE,
  };
}
