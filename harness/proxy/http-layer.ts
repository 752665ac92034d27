// HTTP faults: an HTTP/1.1 forwarder on 127.0.0.1 that answers some requests itself (an error status),
// drops them (connection reset) or delays them before forwarding. It sits behind the TCP fault proxy of a
// host-side target, so TCP toxics still act on the client's own connection. Built on node:http's server
// and keep-alive client: a reverse-proxy library would add routing and rewriting this does not need.
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import type { Endpoint } from "./proxy.ts";
import type { HttpRule } from "../specs/faults/proxy-rules.ts";

export function pathMatches(rulePath: string | undefined, url: string): boolean {
  if (rulePath === undefined) return true;
  const path = url.split("?", 1)[0]!;
  const base = rulePath.endsWith("/") && rulePath.length > 1 ? rulePath.slice(0, -1) : rulePath;
  return path === base || path.startsWith(base === "/" ? "/" : base + "/");
}

// Hop-by-hop headers belong to one connection and are never forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"];

export function endToEndHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const named = String(headers.connection ?? "")
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.includes(k) && !named.includes(k)));
}

export class HttpFaultLayer {
  private rules: HttpRule[] = [];
  /** Requests a delay rule holds, by rule id: each entry lets its request go on at once. */
  private readonly held = new Map<string, Set<() => void>>();
  private readonly agent = new Agent({ keepAlive: true });

  private constructor(
    private readonly server: Server,
    private readonly upstream: Endpoint,
    private readonly random: () => number,
  ) {
    server.on("request", (req, res) => void this.handle(req, res));
  }

  static async start(upstream: Endpoint, random: () => number = Math.random): Promise<HttpFaultLayer> {
    const server = createServer({ requestTimeout: 0 });
    server.keepAliveTimeout = 65_000;
    const layer = new HttpFaultLayer(server, upstream, random);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    return layer;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  setRule(rule: HttpRule): void {
    const i = this.rules.findIndex((r) => r.id === rule.id);
    if (i >= 0) this.rules[i] = rule;
    else this.rules.push(rule);
  }

  /** Takes a rule out; the requests it holds go on at once, as TCP toxics hand on what they hold. */
  removeRule(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.releaseHeld(id);
    return this.rules.length < before;
  }

  private releaseHeld(id: string): void {
    for (const release of [...(this.held.get(id) ?? [])]) release();
  }

  async close(): Promise<void> {
    for (const id of [...this.held.keys()]) this.releaseHeld(id);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    this.agent.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const rule of [...this.rules]) {
      // A rule removed while an earlier one held the request no longer applies.
      if (!this.rules.some((r) => r.id === rule.id)) continue;
      if (!pathMatches(rule.path, req.url ?? "/") || this.random() >= rule.ratio) continue;
      if (rule.http === "delay") {
        await this.hold(rule.id, rule.delayMs);
        if (req.socket.destroyed) return;
      } else if (rule.http === "abort") {
        req.socket.resetAndDestroy();
        return;
      } else {
        req.resume();
        res.writeHead(rule.status, { "content-type": "text/plain" }).end(`injected by steadystate: http ${rule.status}\n`);
        return;
      }
    }
    this.forward(req, res);
  }

  /** Resolves after `ms`, or at once when the rule is removed (or the layer closed). */
  private hold(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.held.get(id) ?? new Set<() => void>();
      this.held.set(id, waiting);
      const release = () => {
        clearTimeout(timer);
        waiting.delete(release);
        if (!waiting.size && this.held.get(id) === waiting) this.held.delete(id);
        resolve();
      };
      const timer = setTimeout(release, ms);
      waiting.add(release);
    });
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const upstream = request({
      ...this.upstream,
      method: req.method,
      path: req.url,
      headers: endToEndHeaders(req.headers),
      agent: this.agent,
    });
    // The upstream failing (refused, reset) is shown to the client as a reset, as a TCP proxy would.
    upstream.on("error", () => {
      if (!req.socket.destroyed) req.socket.resetAndDestroy();
    });
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
      pipeline(answer, res, () => undefined);
    });
    pipeline(req, upstream, () => undefined);
  }
}
