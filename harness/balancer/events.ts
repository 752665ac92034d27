// What HAProxy says about its servers, read from its log: a replica ejected (health checks failed, or its
// name no longer resolves) or back in rotation. Pure: the follower feeds lines, this keeps each server's
// state and reports changes only.
export interface BalancerChange {
  at: number;
  server: string;
  state: "down" | "up";
  reason: string;
  /** A slot's first time in rotation (a replica added while the run lasts). */
  added: boolean;
}

const DOWN = /Server [^/\s]+\/(\S+) (?:is DOWN|is going DOWN for maintenance|was DOWN and now enters maintenance)(?:, reason: ([^,]+)| \(([^)]+)\))?/;
const UP = /Server [^/\s]+\/(\S+) (?:\('[^']*'\) )?is UP(?:\/READY)?(?:, reason: ([^,]+)| \(([^)]+)\))?/;
const UNRESOLVED = /'server [^/\s]+\/(\S+)' : could not resolve address/;
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) /;

export class BalancerLog {
  private readonly state = new Map<string, "down" | "up">();
  private readonly waiting = new Set<string>();

  /** The change a log line reports, if it changes a server's state. Lines carry Docker's timestamps. */
  read(line: string, fallbackAt: number): BalancerChange | undefined {
    // A slot whose replica does not exist yet (room to scale) starts out of rotation: not an ejection.
    const unresolved = UNRESOLVED.exec(line);
    if (unresolved) {
      this.state.set(unresolved[1]!, "down");
      this.waiting.add(unresolved[1]!);
      return undefined;
    }
    const down = DOWN.exec(line);
    const up = down ? null : UP.exec(line);
    const m = down ?? up;
    if (!m) return undefined;
    const server = m[1]!;
    const state = down ? "down" : "up";
    // Servers start in rotation.
    if ((this.state.get(server) ?? "up") === state) return undefined;
    this.state.set(server, state);
    const added = state === "up" && this.waiting.delete(server);
    const ts = TIMESTAMP.exec(line);
    return { at: ts ? Date.parse(ts[1]!) : fallbackAt, server, state, reason: (m[2] ?? m[3] ?? "").trim(), added };
  }
}

export function describeChange(c: BalancerChange): string {
  const why = c.reason ? ` (${c.reason})` : "";
  if (c.state === "down") return `${c.server} ejected by the balancer${why}`;
  return c.added ? `${c.server} added to the rotation${why}` : `${c.server} back in rotation${why}`;
}
