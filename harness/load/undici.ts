// Open-model load on undici: requests start on a schedule, whatever the response times, as users arrive
// (k6's constant- and ramping-arrival-rate). No library sends on an arrival schedule in-process
// (autocannon is closed-model), so the scheduler is written here; undici does the HTTP.
//
// How: arrival k is due at the time the integral of the rate reaches k (`arrivalsBy`, inverted by
// bisection). The loop sleeps until the next arrival is due and then sends every arrival that is due, so a
// late wake-up (timers, a busy event loop) is caught up at once rather than lost: the count over the run is
// exact, the spacing is not. Latency counts from the scheduled time, not the sending time, so a late
// harness cannot hide a slow server (no coordinated omission); how late sending was is reported.
// Limits: timers fire no finer than ~1 ms, so above ~1000/s arrivals leave in small bursts; the harness
// shares the CPU with the targets, so at high rates sending lags (see docs/load.md for measured figures).
import { Agent, request } from "undici";
import { newHistogram, quantileMs, recordMs } from "../metrics/histogram.ts";
import { sleep } from "../contracts/time.ts";
import { classifyStatus, type LoadContext, type LoadEngine, type LoadReport } from "./engine.ts";
import { expandEnv } from "../specs/load/env-template.ts";
import { weightedPicker } from "./mix.ts";
import { arrivalsBy, peakRate, type LoadSpec, type RequestSpec } from "../specs/load/spec.ts";

/** Response bytes read before the connection is dropped (bodies are not kept, only counted as an answer). */
const MAX_BODY_BYTES = 1_048_576;
/** How often request deadlines are checked: a timeout is noticed at most this late. */
const SWEEP_MS = 20;
/** Socket cap per replica when `connections` is not given: enough for the peak rate at the timeout. */
const MAX_DEFAULT_SOCKETS = 1_000;

export const undiciEngine: LoadEngine = { run: runOpenModel };

async function runOpenModel(ctx: LoadContext): Promise<LoadReport> {
  const { spec, signal } = ctx;
  const totalMs = spec.warmupMs + spec.durationMs;
  const sockets = spec.connections ?? Math.min(MAX_DEFAULT_SOCKETS, Math.ceil((peakRate(spec) * spec.timeoutMs) / 1_000) + 1);
  const agent = new Agent({ connections: sockets, pipelining: 1, connect: { timeout: spec.timeoutMs } });
  const started = performance.now();
  const deadlines = new Deadlines(started);
  const pick = weightedPicker(spec.requests.map((r) => ({ weight: r.weight, send: sender(ctx, r, agent, started, deadlines) })));
  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const late = newHistogram(3);

  let sent = 0;
  let lastDue = 0;
  let ended = 0;
  let unfinished = 0;
  try {
    while (!signal.aborted) {
      // Arrivals due before the end are all sent, even after a late wake-up at the end (then unfinished).
      const now = Math.min(totalMs, performance.now() - started);
      while (sent < Math.floor(arrivalsBy(spec, now))) {
        const due = (lastDue = dueTime(spec, sent + 1, lastDue, now));
        recordMs(late, Math.max(0, performance.now() - started - due));
        // send() never rejects: every failure is an outcome.
        const p = pick().send(due, () => stopped);
        inFlight.add(p);
        void p.then(() => inFlight.delete(p));
        sent++;
      }
      if (now >= totalMs) break;
      const next = dueTime(spec, sent + 1, lastDue, totalMs);
      await sleep(Math.max(0, Math.min(next, totalMs) - (performance.now() - started)), signal);
    }
  } finally {
    ended = Math.min(totalMs, performance.now() - started);
    // Requests still in flight at the end are left unjudged, as autocannon does when its duration ends.
    unfinished = inFlight.size;
    stopped = true;
    deadlines.close();
    await agent.destroy().catch(() => undefined);
    await Promise.allSettled([...inFlight]);
  }
  const requested = Math.floor(arrivalsBy(spec, ended));
  const perSecond = (n: number) => (ended > 0 ? Math.round((n * 100_000) / ended) / 100 : 0);
  return {
    arrivals: {
      requested,
      sent,
      unfinished,
      requestedRate: perSecond(requested),
      sentRate: perSecond(sent),
      lateMs: { p50: quantileMs(late, 50), p99: quantileMs(late, 99), max: quantileMs(late, 100) },
    },
  };
}

/** When arrival k is due (ms from the engine start): bisection on the arrival count in [from, to]. */
function dueTime(spec: LoadSpec, k: number, from: number, to: number): number {
  if (arrivalsBy(spec, to) < k) return Infinity;
  let lo = from;
  let hi = to;
  for (let i = 0; i < 50 && hi - lo > 0.01; i++) {
    const mid = (lo + hi) / 2;
    if (arrivalsBy(spec, mid) >= k) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Sends one request due `due` ms after the engine start; after `stopped()` its outcome is not judged. */
type Send = (due: number, stopped: () => boolean) => Promise<void>;

/**
 * Every request's deadline (due + timeout), enforced by one sweep every few ms rather than a timer per
 * request: the deadline then also covers time spent waiting for a socket or connecting.
 */
class Deadlines {
  private readonly pending = new Map<AbortController, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly started: number) {
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
  }

  add(deadline: number): AbortController {
    const ac = new AbortController();
    this.pending.set(ac, deadline);
    return ac;
  }

  done(ac: AbortController): void {
    this.pending.delete(ac);
  }

  /** Aborts everything still pending (the end of the load). */
  close(): void {
    clearInterval(this.timer);
    for (const ac of this.pending.keys()) ac.abort();
    this.pending.clear();
  }

  private sweep(): void {
    const now = performance.now() - this.started;
    for (const [ac, deadline] of this.pending) {
      if (deadline <= now) {
        ac.abort();
        this.pending.delete(ac);
      }
    }
  }
}

/** Sends one request of an entry (replicas in turn) and records its outcome, latency from the due time. */
function sender(ctx: LoadContext, r: RequestSpec, agent: Agent, started: number, deadlines: Deadlines): Send {
  const urls = ctx.urls[r.target]!.map((u) => u + r.path);
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, expandEnv(v)]));
  const body = r.body === undefined ? undefined : expandEnv(r.body);
  const { timeoutMs } = ctx.spec;
  let turn = 0;
  return async (due, stopped) => {
    const url = urls[turn++ % urls.length]!;
    const sinceDue = () => performance.now() - started - due;
    const ac = deadlines.add(due + timeoutMs);
    try {
      const res = await request(url, { dispatcher: agent, method: r.method as "GET", headers, body, signal: ac.signal });
      await res.body.dump({ limit: MAX_BODY_BYTES, signal: ac.signal });
      if (stopped()) return;
      const { ok, reason } = classifyStatus(res.statusCode);
      ctx.record(Date.now(), ok, sinceDue(), reason);
    } catch (e) {
      if (stopped()) return;
      if (ac.signal.aborted) return ctx.record(Date.now(), false, timeoutMs, "timeout");
      ctx.record(Date.now(), false, undefined, failureReason(e as UndiciFailure));
    } finally {
      deadlines.done(ac);
    }
  };
}

type UndiciFailure = Error & { code?: string; cause?: { code?: string } };

/** The same vocabulary as the closed model: ECONNREFUSED, ECONNRESET, "connection closed", "timeout". */
function failureReason(e: UndiciFailure): string {
  const code = e.cause?.code ?? e.code;
  if (code === "UND_ERR_SOCKET") return "connection closed";
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return "timeout";
  return code ?? e.message;
}
