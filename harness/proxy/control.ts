// The control API of a fault proxy running as a container (Toxiproxy-like, on port 8474 inside):
//   GET    /healthz       200 {"open":n,"accepted":n}
//   GET    /rules         200 [rule, …]
//   PUT    /rules/ID      204: add or change rule ID (body: the rule without id); 400 with the reason
//   DELETE /rules/ID      204, or 404 when there is no such rule
// Every call carries the run's token (`authorization: Bearer TOKEN`), or is answered 401 with nothing else:
// the port is published on 127.0.0.1 only, but inside it answers the whole run network, the target under
// test included, which must not be able to change the faults it is tested with. The harness is its only client.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { FaultProxy } from "./proxy.ts";
import { toxicRuleSchema, type ToxicRule } from "../specs/faults/proxy-rules.ts";

export const CONTROL_PORT = 8474;
const MAX_BODY = 64 * 1024;

/** A new token for one run's link proxies: 256 random bits. */
export const newControlToken = (): string => randomBytes(32).toString("hex");

const bearer = (token: string): string => `Bearer ${token}`;
// Digests have one length whatever was sent, so the comparison takes the same time for any wrong value.
const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

function authorized(req: IncomingMessage, expected: Buffer): boolean {
  return timingSafeEqual(digest(req.headers.authorization ?? ""), expected);
}

export async function startControlServer(proxy: FaultProxy, port: number, host: string, token: string): Promise<Server> {
  const expected = digest(bearer(token));
  const server = createServer((req, res) => {
    if (!authorized(req, expected)) return reply(res, 401);
    handle(proxy, req, res).catch((e: Error) => reply(res, 500, { error: e.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

async function handle(proxy: FaultProxy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://control");
  const id = /^\/rules\/([^/]+)$/.exec(url.pathname)?.[1];
  if (req.method === "GET" && url.pathname === "/healthz") return reply(res, 200, proxy.stats());
  if (req.method === "GET" && url.pathname === "/rules") return reply(res, 200, proxy.listRules());
  if (req.method === "PUT" && id) {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (e) {
      return reply(res, 400, { error: `the body is not JSON: ${(e as Error).message}` });
    }
    const parsed = toxicRuleSchema.safeParse({ ...(body as object), id: decodeURIComponent(id) });
    if (!parsed.success) return reply(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    proxy.setRule(parsed.data);
    return reply(res, 204);
  }
  if (req.method === "DELETE" && id) return reply(res, proxy.removeRule(decodeURIComponent(id)) ? 204 : 404);
  reply(res, 404, { error: `no route ${req.method} ${url.pathname}` });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => {
      text += d;
      if (text.length > MAX_BODY) req.destroy(new Error(`larger than ${MAX_BODY} bytes`));
    });
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) res.writeHead(status).end();
  else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** The harness's side of the control API. */
export class ProxyControlClient {
  // Private, so that the token is in no serialised or printed copy of the client.
  readonly #authorization: string;

  constructor(
    readonly baseUrl: string,
    token: string,
  ) {
    this.#authorization = bearer(token);
  }

  async stats(): Promise<ReturnType<FaultProxy["stats"]>> {
    return (await this.call("GET", "/healthz")) as ReturnType<FaultProxy["stats"]>;
  }

  async set(rule: ToxicRule): Promise<void> {
    const { id, ...body } = rule;
    await this.call("PUT", `/rules/${encodeURIComponent(id)}`, body);
  }

  async remove(id: string): Promise<void> {
    await this.call("DELETE", `/rules/${encodeURIComponent(id)}`, undefined, [404]);
  }

  async rules(): Promise<ToxicRule[]> {
    return (await this.call("GET", "/rules")) as ToxicRule[];
  }

  private async call(method: string, path: string, body?: unknown, alsoOk: number[] = []): Promise<unknown> {
    const res = await fetch(this.baseUrl + path, {
      method,
      signal: AbortSignal.timeout(5_000),
      headers: { authorization: this.#authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok && !alsoOk.includes(res.status)) {
      throw new Error(`fault proxy ${method} ${path}: ${res.status} ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
  }
}
