import { constants } from "node:os";
import { z } from "zod";
import { obj } from "../fields.ts";
import type { FaultKindSpec } from "./fault.ts";

export interface KillProcessParams {
  signal: NodeJS.Signals;
}

/** Signals that make sense to send a service (SIGSTOP/SIGCONT are `pause`'s job, through the freezer). */
export const KILL_SIGNALS = Object.keys(constants.signals).filter(
  (s) => !["SIGSTOP", "SIGCONT", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGCHLD", "SIGWINCH", "SIGURG"].includes(s),
) as NodeJS.Signals[];

// Sends a signal of choice to the container's main process through its host PID: SIGTERM tests a graceful
// shutdown, SIGKILL a crash (the restart policy acts on both when the process exits with a failure).
export const killProcess: FaultKindSpec<KillProcessParams> = {
  kind: "kill-process",
  summary: "send `signal` (default SIGTERM) to the main process",
  params: obj({ signal: z.enum(KILL_SIGNALS as [NodeJS.Signals, ...NodeJS.Signals[]]).default("SIGTERM") }),
  window: "forbidden",
  needs: ["root"],
  instead: "kind restart or stop (Docker)",
  describe: (p) => `send ${p.signal} to ${p.target}'s main process`,
  revert: () => "none: what the process does with the signal is the system's to heal",
};
