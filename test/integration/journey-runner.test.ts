import { createServer, type Server } from "node:http";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../harness/journeys/browser.ts";
import { journeyFn } from "../../harness/journeys/journey.ts";
import { InfraError } from "../../harness/contracts/errors.ts";
import { startJourneys } from "../../harness/journeys/runner.ts";
import { journeySchema } from "../../harness/specs/journeys/spec.ts";
import { tempDir } from "./helpers.ts";

const page = readFileSync(join(import.meta.dirname, "..", "..", "fixtures", "web", "index.html"));

describe("journey runner (real Chromium, no Docker)", () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let outside: string;
  let apiUp = true;
  beforeAll(async () => {
    browser = await launchChromium();
    server = createServer((req, res) => {
      if (!req.url!.startsWith("/api/")) return res.writeHead(200, { "content-type": "text/html" }).end(page);
      req.resume();
      res.writeHead(apiUp ? 200 : 503).end(apiUp ? "done" : "down");
    });
    // On every interface: the same server is also reachable at an address that is not loopback.
    await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
    const port = (server.address() as { port: number }).port;
    url = `http://127.0.0.1:${port}`;
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal);
    outside = `http://${external!.address}:${port}`;
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  const run = async (spec: unknown, ms: number, warmupMs = 0) => {
    const parsed = journeySchema.parse(spec);
    const j = { ...parsed, ...(parsed.script ? { script: join(import.meta.dirname, "..", "fixtures", "journeys", parsed.script) } : {}) };
    const outcomes: { at: number; ok: boolean; latencyMs: number; reason?: string }[] = [];
    const runDir = tempDir("journey-runner");
    const stop = new AbortController();
    const measuredFrom = Date.now() + warmupMs;
    const running = startJourneys({
      browser,
      journeys: [{ spec: j, fn: await journeyFn(j) }],
      urls: { shop: [url], outside: [outside] },
      runDir,
      measuredFrom,
      record: (_name, at, ok, latencyMs, reason) => outcomes.push({ at, ok, latencyMs, ...(reason ? { reason } : {}) }),
      signal: stop.signal,
    });
    await new Promise((r) => setTimeout(r, ms));
    stop.abort();
    await running.done;
    return { outcomes, log: running.failures()[j.name], runDir, measuredFrom };
  };

  it("runs a script journey whose page may only reach loopback, naming its steps", async () => {
    apiUp = true;
    const { outcomes, log } = await run({ name: "shop", script: "shop.mjs", every: "500ms", timeout: "5s" }, 4_000);
    expect(log?.failures ?? [], JSON.stringify(outcomes)).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  it("fails at the step it stopped in, with the timeout in words and a screenshot of what the user saw", async () => {
    apiUp = false;
    const steps = [{ goto: "{{targets.shop}}/" }, { click: "text=Add to cart" }, { expectText: "Cart: 1 item" }];
    const { outcomes, log, runDir } = await run({ name: "checkout", steps, every: "300ms", timeout: "700ms" }, 1_500);
    expect(outcomes.length).toBeGreaterThanOrEqual(1);
    expect(outcomes.every((o) => !o.ok && o.reason === 'steps[2] expectText "Cart: 1 item"')).toBe(true);
    // The journey gave up at its timeout (plus the time to close the context), not earlier.
    expect(Math.min(...outcomes.map((o) => o.latencyMs))).toBeGreaterThanOrEqual(700);
    const first = log!.failures[0]!;
    expect(first).toMatchObject({ step: 'steps[2] expectText "Cart: 1 item"', error: "not done within the journey's timeout (700ms)", screenshot: "journeys/checkout-1.png" });
    expect(existsSync(join(runDir, first.screenshot!))).toBe(true);
  });

  it("keeps no failure (nor screenshot) of the warm-up: the first one logged is the first of the measured phase", async () => {
    apiUp = false;
    const steps = [{ goto: "{{targets.shop}}/" }, { click: "text=Add to cart" }, { expectText: "Cart: 1 item" }];
    const { outcomes, log, measuredFrom } = await run({ name: "warm", steps, every: "300ms", timeout: "400ms" }, 2_500, 1_200);
    const before = outcomes.filter((o) => o.at < measuredFrom);
    expect(before.length, JSON.stringify(outcomes)).toBeGreaterThanOrEqual(1);
    expect(log!.failures.length).toBe(outcomes.length - before.length);
    expect(log!.failures.every((f) => f.at >= measuredFrom)).toBe(true);
    expect(log!.failures[0]!.screenshot).toBe("journeys/warm-1.png");
  });
});

describe("starting Chromium", () => {
  const wrapper = (body: string) => {
    const dir = tempDir("chromium-wrapper");
    const file = join(dir, "chromium");
    writeFileSync(file, `#!/bin/sh\n${body.replaceAll("$DIR", dir)}\n`);
    chmodSync(file, 0o755);
    return file;
  };

  it("tries once more when a first start stalls past the timeout", async () => {
    // The first start hangs (a stalled browser); the second runs the real one.
    const stalls = wrapper(`if [ ! -e $DIR/started ]; then touch $DIR/started; exec sleep 30; fi\nexec /usr/bin/chromium "$@"`);
    const browser = await launchChromium({ env: { STEADYSTATE_CHROMIUM: stalls }, timeoutMs: 3_000 });
    try {
      expect(browser.isConnected()).toBe(true);
    } finally {
      await browser.close();
    }
  });

  it("a browser that exits says so, with its own last log lines, and is not retried", async () => {
    const broken = wrapper(`echo "chromium: cannot open display: nothing here" >&2\nexit 1`);
    const e = await launchChromium({ env: { STEADYSTATE_CHROMIUM: broken }, timeoutMs: 3_000 }).catch((err: Error) => err);
    expect(e).toBeInstanceOf(InfraError);
    const lines = (e as InfraError).message.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^Chromium \\(${broken}\\) did not start: browserType.launch: `));
    expect(lines.slice(1)).toEqual(["  chromium: cannot open display: nothing here", "  exited: exitCode=1, signal=null"]);
    expect((e as InfraError).message).not.toContain("attempts");
    expect((e as InfraError).fix).toBe(`check that \`${broken} --headless --no-sandbox --version\` works`);
  });
});
