// The link proxy's control API in-process: only calls that carry the run's token reach the rules.
import type { Server } from "node:http";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newControlToken, ProxyControlClient, startControlServer } from "../../harness/proxy/control.ts";
import { FaultProxy } from "../../harness/proxy/proxy.ts";
import type { ToxicRule } from "../../harness/specs/faults/proxy-rules.ts";

const RULE: ToxicRule = { id: "kept", direction: "downstream", probability: 1, toxic: "latency", delayMs: 5, jitterMs: 0 };
const { id: _, ...RULE_BODY } = RULE;

describe("control API token", () => {
  const token = newControlToken();
  let proxy: FaultProxy;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    // Nothing listens on port 1: no connection goes through here, only rules are set.
    proxy = await FaultProxy.start({ listen: { host: "127.0.0.1", port: 0 }, upstreams: [{ host: "127.0.0.1", port: 1 }] });
    server = await startControlServer(proxy, 0, "127.0.0.1", token);
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    proxy.setRule(RULE);
  });
  afterAll(async () => {
    server.close();
    await proxy.close();
  });

  const call = async (method: string, path: string, authorization?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(authorization === undefined ? {} : { authorization }), "content-type": "application/json" },
      ...(method === "PUT" ? { body: JSON.stringify(RULE_BODY) } : {}),
    });
    return { status: res.status, body: await res.text() };
  };

  const wrong = [
    ["no token", undefined],
    ["an empty one", ""],
    ["a wrong token of the same length", `Bearer ${newControlToken()}`],
    ["the token without its scheme", token],
    ["the token with a byte more", `Bearer ${token}0`],
    ["the token cut short", `Bearer ${token.slice(0, -1)}`],
  ] as const;

  it.each(wrong)("with %s every call is refused with a bare 401, and the rules stay as they were", async (_, authorization) => {
    for (const [method, path] of [["GET", "/healthz"], ["GET", "/rules"], ["PUT", "/rules/added"], ["DELETE", "/rules/kept"], ["GET", "/nowhere"]]) {
      expect(await call(method!, path!, authorization), `${method} ${path}`).toEqual({ status: 401, body: "" });
    }
    expect(proxy.listRules()).toEqual([RULE]);
  });

  it("the client holding the token sets, lists and removes rules", async () => {
    const control = new ProxyControlClient(base, token);
    await control.set({ ...RULE, id: "added" });
    expect(await control.rules()).toEqual([RULE, { ...RULE, id: "added" }]);
    await control.remove("added");
    expect(await control.rules()).toEqual([RULE]);
    expect(await control.stats()).toEqual({ open: 0, accepted: 0 });
  });

  it("a client with another token is refused, and its error does not show the token", async () => {
    const other = newControlToken();
    await expect(new ProxyControlClient(base, other).set({ ...RULE, id: "added" })).rejects.toThrow(new Error("fault proxy PUT /rules/added: 401 "));
    expect(proxy.listRules()).toEqual([RULE]);
  });

  it("keeps the token out of the client's printed and serialised forms", () => {
    const control = new ProxyControlClient(base, token);
    expect(JSON.stringify(control)).not.toContain(token);
    expect(inspect(control, { showHidden: true, depth: 5 })).not.toContain(token);
  });

  it("makes a new 256-bit token each time", () => {
    const tokens = new Set(Array.from({ length: 100 }, newControlToken));
    expect(tokens.size).toBe(100);
    for (const t of tokens) expect(t).toMatch(/^[0-9a-f]{64}$/);
  });
});
