// The undo of a fault as plain data (restore steps): written to the run folder's undo log before the change
// is made, applied by harness/faults/restore.ts, replayed by `steadystate cleanup` after a SIGKILL.

export type RestoreStep =
  /** Write back a value (a cgroup setting, an oom_score_adj); nothing to do when the file is gone. */
  | { op: "write"; path: string; value: string }
  /** Delete a file the fault created. */
  | { op: "remove"; path: string }
  /** End a helper process the fault started, identified by pid and start time (pids are reused). */
  | { op: "kill"; pid: number; startTime: string }
  | { op: "unpause"; container: string }
  | { op: "start"; container: string }
  /** Connect a container to a network it was disconnected from, with the endpoint settings it had. */
  | { op: "connect"; container: string; network: string; endpoint: ReconnectEndpoint }
  /** Revert a change in a container's network namespace (iptables rule, tc qdisc) if it is still there. */
  | { op: "netns"; container: string; revert: string[]; check: NetnsCheck };

/** The settings of a container's endpoint on a network that are its own (Docker assigns the rest again). */
export interface ReconnectEndpoint {
  Aliases: string[];
  /** Addresses the container's owner configured (static IPs); absent when Docker assigned them. */
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] };
  Links?: string[];
}

/** How to tell whether a change in a network namespace is still there (argv, and text its output includes). */
export interface NetnsCheck {
  argv: string[];
  includes?: string;
}
