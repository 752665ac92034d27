import type Docker from "dockerode";
import type { Replica } from "../docker/replica.ts";
import { onEachVictim } from "./fault.ts";
import { applyChanges, inNetns, interfaces, type NetnsChange } from "./netns.ts";
import { tbfArgv } from "./netns-argv.ts";
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
  const { qdisc, ...argv } = tbfArgv(dev, bytesPerSecond);
  return { replica, describe: `tc qdisc add dev ${dev} root handle ${HANDLE} ${qdisc.join(" ")}`, ...argv, goneIf: DEVICE_GONE };
}
