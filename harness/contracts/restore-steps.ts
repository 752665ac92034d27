// The undo of a fault as plain data (restore steps): written to the run folder's undo log before the change
// is made, applied by harness/faults/restore.ts, replayed by `steadystate cleanup` after a SIGKILL. A run
// folder is untrusted input when it is replayed (as root): these schemas are the only shapes a replay
// accepts, and every step names the container it belongs to so that the replay can check it against that
// container (harness/faults/restore-check.ts).
import { z } from "zod";

/** A container by its full id, as Docker gives it: never a name or a path. */
const containerId = z.string().regex(/^[0-9a-f]{64}$/, "a container's full id (64 hex digits)");
const argv = z.array(z.string()).min(1);

/** The settings of a container's endpoint on a network that are its own (Docker assigns the rest again). */
export const reconnectEndpointSchema = z.strictObject({
  Aliases: z.array(z.string()),
  /** Addresses the container's owner configured (static IPs); absent when Docker assigned them. */
  IPAMConfig: z.strictObject({ IPv4Address: z.string().optional(), IPv6Address: z.string().optional(), LinkLocalIPs: z.array(z.string()).optional() }).optional(),
  Links: z.array(z.string()).optional(),
});
export type ReconnectEndpoint = z.infer<typeof reconnectEndpointSchema>;

/** How to tell whether a change in a network namespace is still there (argv, and text its output includes). */
export const netnsCheckSchema = z.strictObject({ argv, includes: z.string().optional() });
export type NetnsCheck = z.infer<typeof netnsCheckSchema>;

export const restoreStepSchema = z.discriminatedUnion("op", [
  /** Write back a value (a cgroup setting, an oom_score_adj) of the container; nothing to do when the file is gone. */
  z.strictObject({ op: z.literal("write"), container: containerId, path: z.string(), value: z.string() }),
  /** Delete a file the fault created for the container. */
  z.strictObject({ op: z.literal("remove"), container: containerId, path: z.string() }),
  /** End a helper process the fault started in the container's cgroups, identified by pid and start time (pids are reused). */
  z.strictObject({ op: z.literal("kill"), container: containerId, pid: z.number().int().positive(), startTime: z.string().regex(/^\d+$/) }),
  z.strictObject({ op: z.literal("unpause"), container: containerId }),
  z.strictObject({ op: z.literal("start"), container: containerId }),
  /** Connect a container to a network it was disconnected from, with the endpoint settings it had. */
  z.strictObject({ op: z.literal("connect"), container: containerId, network: z.string().min(1), endpoint: reconnectEndpointSchema }),
  /** Revert a change in a container's network namespace (iptables rule, tc qdisc) if it is still there. */
  z.strictObject({ op: z.literal("netns"), container: containerId, revert: argv, check: netnsCheckSchema }),
]);
export type RestoreStep = z.infer<typeof restoreStepSchema>;

/**
 * The undo log file (<runDir>/undo.json). Entries and their steps are checked one by one when it is
 * replayed (entrySchema, restoreStepSchema), so that one bad entry or step is refused and the rest replayed.
 */
export const undoLogSchema = z.strictObject({ runId: z.string(), entries: z.array(z.unknown()) });

export const undoEntrySchema = z.strictObject({
  /** The injection: fault id and occurrence, e.g. `faults[2]#1`. */
  id: z.string(),
  label: z.string(),
  /** When the first step was recorded. */
  at: z.number(),
  /** Applied newest first on replay. */
  steps: z.array(z.unknown()),
});

export interface UndoLogEntry extends Omit<z.infer<typeof undoEntrySchema>, "steps"> {
  steps: RestoreStep[];
}
