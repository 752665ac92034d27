// One HTTP request on a fresh connection (no keep-alive pool: a probe asks "can a new user get in?").
// ok as for the load (classifyStatus) within the timeout; otherwise the reason says what the user would have seen.
import { request } from "node:http";
import { classifyStatus } from "../load/engine.ts";

export interface HttpOutcome {
  ok: boolean;
  status?: number;
  latencyMs: number;
  /** "http 503", "timeout", "ECONNREFUSED", … ("ok" when ok). */
  reason: string;
}

export function httpGet(url: string, timeoutMs: number): Promise<HttpOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1_000) / 1_000;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (o: HttpOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(o);
    };
    const req = request(url, { method: "GET", agent: false }, (res) => {
      res.resume();
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const { ok, reason } = classifyStatus(status);
        settle({ ok, status, latencyMs: elapsed(), reason: reason ?? "ok" });
      });
      res.on("error", (e: NodeJS.ErrnoException) => settle({ ok: false, latencyMs: elapsed(), reason: e.code ?? "response error" }));
    });
    const timer = setTimeout(() => settle({ ok: false, latencyMs: timeoutMs, reason: "timeout" }), timeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) => settle({ ok: false, latencyMs: elapsed(), reason: e.code ?? e.message }));
    req.end();
  });
}
