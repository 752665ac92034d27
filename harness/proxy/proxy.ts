// The fault proxy: a TCP listener that forwards every connection to an upstream (round-robin over several)
// and applies the toxic rules in force. Rules are added, changed and removed while connections live;
// each change reaches every open connection at once, and connections no rule hits are never touched.
// Hand-written on node:net: Toxiproxy is a Go binary (no registry to fetch it from here) and no npm
// package offers per-connection, adjustable toxics.
import { connect, createServer, type Server, type Socket } from "node:net";
import { Connection } from "./connection.ts";
import type { ToxicRule } from "../specs/faults/proxy-rules.ts";

export interface Endpoint {
  host: string;
  port: number;
}

export interface FaultProxyOptions {
  /** Where to listen; port 0 picks a free one. */
  listen: Endpoint;
  upstreams: readonly Endpoint[];
  random?: () => number;
}

export class FaultProxy {
  private readonly connections = new Set<Connection>();
  private rules: ToxicRule[] = [];
  private accepted = 0;
  private nextUpstream = 0;

  private constructor(
    private readonly server: Server,
    private readonly upstreams: readonly Endpoint[],
    private readonly random: () => number,
  ) {
    server.on("connection", (client) => this.accept(client));
  }

  static async start(opts: FaultProxyOptions): Promise<FaultProxy> {
    if (!opts.upstreams.length) throw new Error("a fault proxy needs at least one upstream");
    // allowHalfOpen: a FIN from one side is passed on (possibly delayed) rather than answered at once.
    const server = createServer({ allowHalfOpen: true, noDelay: true });
    const proxy = new FaultProxy(server, opts.upstreams, opts.random ?? Math.random);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(opts.listen.port, opts.listen.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  /** Adds a rule, or changes the rule with the same id in place. */
  setRule(rule: ToxicRule): void {
    const i = this.rules.findIndex((r) => r.id === rule.id);
    if (i >= 0) this.rules[i] = rule;
    else this.rules.push(rule);
    this.applyAll();
  }

  /** Removes a rule; false when there was none with this id. */
  removeRule(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    if (this.rules.length === before) return false;
    this.applyAll();
    return true;
  }

  listRules(): ToxicRule[] {
    return [...this.rules];
  }

  stats(): { open: number; accepted: number } {
    return { open: this.connections.size, accepted: this.accepted };
  }

  /** Stops listening and ends every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.destroy();
    await closed;
  }

  private accept(client: Socket): void {
    this.accepted++;
    const index = this.nextUpstream++ % this.upstreams.length;
    const upstream = connect({ ...this.upstreams[index]!, allowHalfOpen: true, noDelay: true });
    const conn = new Connection(client, upstream, index, this.random, (c) => this.connections.delete(c));
    this.connections.add(conn);
    conn.applyRules(this.rules);
  }

  private applyAll(): void {
    for (const c of this.connections) c.applyRules(this.rules);
  }
}
