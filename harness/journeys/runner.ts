// Runs every journey on its own clock: `browsers` slots per journey, each starting a journey every `every`
// (slots staggered evenly), each journey in a fresh browser context (a new user: no cookies, no cache) that
// only reaches loopback. Every completed or failed journey is one outcome of source `journey:NAME`; a
// failure of the measured phase keeps its step, its error and (the first few) a screenshot in the run folder.
// Bounded: at most `browsers` journeys of a kind at once, each ended by its timeout or by the signal, and
// every call to Chromium bounded in time; the loops end with the signal.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import type { JourneyFailure } from "../contracts/journal.ts";
import { sleep } from "../contracts/time.ts";
import { withTimeout } from "../contracts/teardown.ts";
import { InfraError } from "../contracts/errors.ts";
import type { JourneyFn } from "./journey.ts";
import type { JourneySpec } from "../specs/journeys/spec.ts";

/** Screenshots kept per journey (the first failures: the start of an outage is what explains it). */
export const MAX_SCREENSHOTS = 10;
/** Failures listed per journey in the journal; the rest are counted. */
export const MAX_FAILURES = 50;
const SCREENSHOT_TIMEOUT_MS = 2_000;
const RACE_GRACE_MS = 250;
const JOURNEY_TIMEOUT = "journey timeout";
/** How long Chromium may take to answer one call (open or close a context or page) before the run errs. */
export const CHROMIUM_ANSWER_MS = 15_000;

export interface JourneyRun {
  spec: JourneySpec;
  fn: JourneyFn;
}

export interface JourneyOptions {
  browser: Browser;
  journeys: readonly JourneyRun[];
  /** Loopback URLs of every target's replicas. */
  urls: Readonly<Record<string, readonly string[]>>;
  runDir: string;
  /**
   * When the measured phase starts (the warm-up's end). The recorder drops the journeys that end before
   * it, so their failures are not logged either: no failure at a negative offset, no screenshot spent on it.
   */
  measuredFrom: number;
  record(name: string, at: number, ok: boolean, latencyMs: number, reason?: string): void;
  signal: AbortSignal;
}

export interface FailureLog {
  failures: JourneyFailure[];
  omitted: number;
}

export interface RunningJourneys {
  /** Resolves when every loop has ended; rejects when Chromium died during the run. */
  done: Promise<void>;
  failures(): Record<string, FailureLog>;
}

export function startJourneys(opts: JourneyOptions): RunningJourneys {
  const logs: Record<string, FailureLog & { screenshots: number }> = {};
  const stop = new AbortController();
  const onStop = () => stop.abort();
  opts.signal.addEventListener("abort", onStop, { once: true });
  // Ends a journey in progress at once when the run stops; its own `finally` then closes its context.
  const stopped = new Promise<never>((_, reject) => stop.signal.addEventListener("abort", () => reject(new Error("stopped")), { once: true }));
  stopped.catch(() => undefined);
  let crashed = false;
  const onDisconnect = () => {
    crashed = !opts.signal.aborted;
    onStop();
  };
  opts.browser.on("disconnected", onDisconnect);
  const shotsDir = join(opts.runDir, "journeys");
  // Every call to Chromium is bounded: one that never answers is a harness failure, never a silent hang.
  const cdp = <T>(p: Promise<T>, what: string) => withTimeout(p, CHROMIUM_ANSWER_MS, `Chromium did not ${what} within ${CHROMIUM_ANSWER_MS}ms`);

  const iterate = async (j: JourneyRun, turn: number) => {
    const log = (logs[j.spec.name] ??= { failures: [], omitted: 0, screenshots: 0 });
    const context = await cdp(opts.browser.newContext({ viewport: { width: 1280, height: 800 } }), "open a browser context");
    try {
      // Pages reach only the run's own targets: anything else is refused before it leaves the browser.
      await cdp(context.route("**/*", (route) => (isLoopback(route.request().url()) ? route.continue() : route.abort("blockedbyclient"))), "set up the loopback guard");
      const page = await cdp(context.newPage(), "open a page");
      const startedAt = Date.now();
      const started = performance.now();
      const deadline = started + j.spec.timeoutMs;
      page.setDefaultTimeout(j.spec.timeoutMs);
      let current = "open page";
      const targets = Object.fromEntries(Object.entries(opts.urls).map(([name, urls]) => [name, urls[turn % urls.length]!]));
      const ctx = {
        targets,
        step: <T>(name: string, fn: () => Promise<T>) => {
          current = name;
          page.setDefaultTimeout(Math.max(1, deadline - performance.now()));
          return fn();
        },
      };
      try {
        // Steps get what is left of the timeout; the race only ends a script that ignores it.
        await Promise.race([withTimeout(j.fn(page, ctx), j.spec.timeoutMs + RACE_GRACE_MS, JOURNEY_TIMEOUT), stopped]);
        opts.record(j.spec.name, Date.now(), true, performance.now() - started);
      } catch (e) {
        if (stop.signal.aborted) return;
        const at = Date.now();
        const tookMs = performance.now() - started;
        // The recorder drops an outcome of the warm-up: its failure is not kept either.
        const measured = at >= opts.measuredFrom;
        let screenshot: string | null = null;
        if (measured && log.screenshots < MAX_SCREENSHOTS) {
          const file = `journeys/${j.spec.name}-${++log.screenshots}.png`;
          mkdirSync(shotsDir, { recursive: true });
          screenshot = await page
            .screenshot({ path: join(opts.runDir, file), timeout: SCREENSHOT_TIMEOUT_MS })
            .then(() => file)
            .catch(() => null);
        }
        opts.record(j.spec.name, at, false, tookMs, current);
        if (!measured) return;
        const error = (e as Error).name === "TimeoutError" || (e as Error).message === JOURNEY_TIMEOUT ? `not done within the journey's timeout (${j.spec.timeoutMs}ms)` : firstLine(e);
        if (log.failures.length < MAX_FAILURES) log.failures.push({ at, startedAt, step: current, error, screenshot });
        else log.omitted++;
      }
    } finally {
      // A context Chromium will not close is left to the browser's own close at teardown.
      await cdp(context.close(), "close a browser context").catch(() => undefined);
    }
  };

  const loop = async (j: JourneyRun, slot: number) => {
    const every = j.spec.everyMs;
    const origin = performance.now() + (slot * every) / j.spec.browsers;
    for (let tick = 0, turn = slot; !stop.signal.aborted; tick++, turn += j.spec.browsers) {
      // A journey that overran its interval is followed at once by the next (the ticks it covered are skipped).
      tick = Math.max(tick, Math.floor((performance.now() - origin) / every));
      await sleep(origin + tick * every - performance.now(), stop.signal);
      if (stop.signal.aborted) break;
      await iterate(j, turn);
    }
  };

  const loops = opts.journeys.flatMap((j) => Array.from({ length: j.spec.browsers }, (_, slot) => loop(j, slot)));
  const done = Promise.allSettled(loops).then((results) => {
    opts.signal.removeEventListener("abort", onStop);
    opts.browser.off("disconnected", onDisconnect);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (crashed) throw new InfraError("Chromium exited during the run, so journeys stopped", "check memory (`dmesg`), or lower journeys[].browsers");
    if (failed) throw new InfraError(`browser journeys stopped: ${firstLine(failed.reason)}`, "check that Chromium runs (`chromium --headless --no-sandbox --version`)");
  });
  return {
    done,
    failures: () => Object.fromEntries(Object.entries(logs).map(([name, l]) => [name, { failures: l.failures, omitted: l.omitted }])),
  };
}

function isLoopback(url: string): boolean {
  const u = new URL(url);
  if (u.protocol !== "http:" && u.protocol !== "https:" && u.protocol !== "ws:" && u.protocol !== "wss:") return true;
  return u.hostname === "127.0.0.1" || u.hostname === "localhost" || u.hostname === "[::1]";
}

/** The first line of an error, without terminal colours (Playwright adds a call log below it). */
function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).replace(/\x1b\[[0-9;]*m/g, "").split("\n")[0]!.trim();
}
