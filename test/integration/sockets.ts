// In-process servers and clients for the fault proxy's socket tests (real sockets on 127.0.0.1).
import { createServer as createHttpServer, request, type Agent } from "node:http";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

export async function listen<S extends Server | ReturnType<typeof createHttpServer>>(server: S): Promise<S & { port: number }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return Object.assign(server, { port: (server.address() as AddressInfo).port });
}

/** Echoes every byte back; `connections` lists the server side of each connection. */
export async function echoServer() {
  const connections: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => {
    connections.push(s);
    s.on("error", () => undefined);
    s.pipe(s);
  });
  return Object.assign(await listen(server), { connections });
}

/** GET /fast: "ok"; GET /blob?bytes=N: N bytes; anything else: 404. Counts requests per path. */
export async function httpServer() {
  const hits: Record<string, number> = {};
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    hits[url.pathname] = (hits[url.pathname] ?? 0) + 1;
    if (url.pathname === "/fast") return res.end("ok");
    if (url.pathname === "/blob") return res.end(Buffer.alloc(Number(url.searchParams.get("bytes")), 120));
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 60_000;
  return Object.assign(await listen(server), { hits });
}

export interface Answer {
  status?: number;
  bytes: number;
  ms: number;
  error?: string;
}

export function get(port: number, path: string, opts: { agent?: Agent | false; timeoutMs?: number } = {}): Promise<Answer> {
  const started = performance.now();
  const ms = () => performance.now() - started;
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: opts.agent ?? false }, (res) => {
      let bytes = 0;
      res.on("data", (d: Buffer) => (bytes += d.length));
      res.on("end", () => resolve({ status: res.statusCode, bytes, ms: ms() }));
      res.on("error", (e: NodeJS.ErrnoException) => resolve({ status: res.statusCode, bytes, ms: ms(), error: e.code ?? e.message }));
    });
    req.setTimeout(opts.timeoutMs ?? 5_000, () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ bytes: 0, ms: ms(), error: e.code ?? e.message }));
    req.end();
  });
}

/** A raw TCP client that records what it receives and when the peer ends the connection. */
export async function rawClient(port: number) {
  const socket = connect({ host: "127.0.0.1", port, allowHalfOpen: true, noDelay: true });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const chunks: { at: number; bytes: number }[] = [];
  let received = Buffer.alloc(0);
  socket.on("error", () => undefined); // a reset shows as a missing end; the tests look at what arrived
  const ended = new Promise<number>((resolve) => socket.on("end", () => resolve(performance.now())));
  socket.on("data", (d: Buffer) => {
    chunks.push({ at: performance.now(), bytes: d.length });
    received = Buffer.concat([received, d]);
  });
  return {
    socket,
    chunks,
    ended,
    received: () => received,
    /** Resolves once `n` bytes in all have arrived (or after timeoutMs, with what arrived). */
    async waitFor(n: number, timeoutMs = 3_000): Promise<number> {
      const deadline = performance.now() + timeoutMs;
      while (received.length < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      return received.length;
    },
  };
}

/** Opens a TCP connection and closes it at once: "ok", "timeout", or the error code. */
export function tryConnect(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (outcome: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    socket.once("connect", () => done("ok"));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
}

/** Sends one raw HTTP/1.1 GET (Connection: close) and records what comes back. */
export async function rawGet(port: number, path: string) {
  const c = await rawClient(port);
  c.socket.write(`GET ${path} HTTP/1.1\r\nHost: steadystate\r\nConnection: close\r\n\r\n`);
  return c;
}
