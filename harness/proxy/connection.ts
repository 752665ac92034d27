// One proxied connection: the client's socket, the socket to the upstream, a pipe each way. Resets travel
// through (an RST on one side is answered with an RST on the other), so a client sees what it would see
// talking to the upstream directly, and a rule decides once per connection whether it hits it.
import type { Socket } from "node:net";
import { Pipe } from "./pipe.ts";
import { selects } from "./rules.ts";
import type { ToxicRule } from "../specs/faults/proxy-rules.ts";
/** How long a graceful close may take before the sockets are destroyed anyway. */
const CLOSE_GRACE_MS = 1_000;

export class Connection {
  private readonly up: Pipe;
  private readonly down: Pipe;
  private readonly decisions = new Map<string, boolean>();
  private closing = false;

  constructor(
    private readonly client: Socket,
    private readonly upstream: Socket,
    readonly upstreamIndex: number,
    private readonly random: () => number,
    onClosed: (c: Connection) => void,
  ) {
    const owner = { closeConnection: (how: "close" | "reset") => this.close(how), random };
    this.up = new Pipe(client, upstream, owner);
    this.down = new Pipe(upstream, client, owner);
    // An error on one side (ECONNRESET, ECONNREFUSED, EPIPE) resets the other.
    client.on("error", () => reset(upstream));
    upstream.on("error", () => reset(client));
    // A side closing cleanly has already sent its end through its pipe (possibly held by a toxic): the
    // other side is ended by that pipe, not here.
    let open = 2;
    const closed = () => {
      if (--open === 0) onClosed(this);
    };
    client.on("close", closed);
    upstream.on("close", closed);
  }

  get remoteAddress(): string {
    return this.client.remoteAddress ?? "";
  }

  /** Applies the proxy's rules (all of them, in order); each is drawn against `probability` once. */
  applyRules(rules: readonly ToxicRule[]): void {
    if (this.closing) return;
    const hits = rules.filter((r) => this.hits(r));
    this.up.setRules(hits.filter((r) => r.direction !== "downstream"));
    this.down.setRules(hits.filter((r) => r.direction !== "upstream"));
  }

  close(how: "close" | "reset"): void {
    if (this.closing) return;
    this.closing = true;
    if (how === "reset") {
      reset(this.client);
      reset(this.upstream);
      return;
    }
    this.up.flush();
    this.down.flush();
    for (const s of [this.client, this.upstream]) {
      s.end();
      setTimeout(() => s.destroy(), CLOSE_GRACE_MS).unref();
    }
  }

  /** Ends at once (the proxy is shutting down). */
  destroy(): void {
    this.closing = true;
    this.client.destroy();
    this.upstream.destroy();
  }

  private hits(rule: ToxicRule): boolean {
    if (!selects(rule, { remoteAddress: this.remoteAddress, upstreamIndex: this.upstreamIndex })) return false;
    let hit = this.decisions.get(rule.id);
    if (hit === undefined) {
      hit = this.random() < rule.probability;
      this.decisions.set(rule.id, hit);
    }
    return hit;
  }
}

function reset(s: Socket): void {
  if (s.destroyed) return;
  // A socket still connecting has no TCP state to reset: destroying it is the same to the peer.
  if (s.connecting) s.destroy();
  else s.resetAndDestroy();
}
