// acked-writes: during the load, PUT a unique key at `rate` per second and remember which writes were
// acknowledged (2xx); after recovery, GET every key back (see read-back.ts for what counts as lost).
// With `drill: backup-restore`, the target is then backed up, destroyed, restored and read back again.
import { randomBytes } from "node:crypto";
import { sleep } from "../contracts/time.ts";
import { ackedWritesSpec, type AckedWritesParams } from "../specs/checks/acked-writes.ts";
import { runBackupRestoreDrill } from "./backup-restore.ts";
import type { CheckContext, CheckKind } from "./check.ts";
import { classifyReadBack, type Read, type ReadBack, type Write } from "./read-back.ts";
import type { AckedWritesRecord, ReadBackCounts } from "../contracts/journal.ts";

const READ_CONCURRENCY = 8;
const READ_ATTEMPTS = 3;

/** Why a request got no answer, in the words the load uses ("timeout", "ECONNREFUSED", …). */
function failureReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string } };
  if (err.name === "TimeoutError") return "timeout";
  return err.cause?.code ?? err.message;
}

function keyUrl(ctx: CheckContext, p: AckedWritesParams, w: Write): string {
  return `${ctx.urls[w.replica]}${p.path.replace(/\/$/, "")}/${encodeURIComponent(w.key)}`;
}

async function put(ctx: CheckContext, p: AckedWritesParams, w: Write): Promise<string | undefined> {
  try {
    const res = await fetch(keyUrl(ctx, p, w), { method: "PUT", body: w.value, signal: AbortSignal.timeout(p.timeoutMs) });
    await res.arrayBuffer();
    return res.ok ? undefined : `http ${res.status}`;
  } catch (e) {
    return failureReason(e);
  }
}

async function get(ctx: CheckContext, p: AckedWritesParams, w: Write, signal: AbortSignal): Promise<Read> {
  let last = "not read";
  for (let attempt = 1; attempt <= READ_ATTEMPTS && !signal.aborted; attempt++) {
    try {
      const res = await fetch(keyUrl(ctx, p, w), { signal: AbortSignal.timeout(p.timeoutMs) });
      const body = await res.text();
      if (res.status === 200) return { found: true, value: body };
      if (res.status === 404) return { found: false };
      last = `http ${res.status}`;
    } catch (e) {
      last = failureReason(e);
    }
    await sleep(100 * attempt, signal);
  }
  return { unreadable: last };
}

/** GETs every key back, READ_CONCURRENCY at a time. */
async function readBack(ctx: CheckContext, p: AckedWritesParams, writes: readonly Write[], signal: AbortSignal): Promise<{ counts: ReadBackCounts; r: ReadBack }> {
  const startedAt = Date.now();
  const reads: Read[] = new Array(writes.length);
  let next = 0;
  const worker = async () => {
    while (next < writes.length && !signal.aborted) {
      const i = next++;
      reads[i] = await get(ctx, p, writes[i]!, signal);
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
  const r = classifyReadBack(writes, reads);
  return { counts: { startedAt, endedAt: Date.now(), read: r.read, present: r.present, absent: r.absent, mismatched: r.mismatched, unreadable: r.unreadable }, r };
}

export const ackedWrites: CheckKind<AckedWritesParams> = {
  start(ctx, p, id) {
    const writes: Write[] = [];
    const notAckedBy: Record<string, number> = {};
    const stopWriting = new AbortController();
    const record: AckedWritesRecord = {
      id,
      kind: "acked-writes",
      target: p.target,
      description: ackedWritesSpec.describe(p),
      path: p.path,
      rate: p.rate,
      writes: { attempted: 0, acked: 0, notAcked: 0, notAckedBy },
      verify: null,
      lost: null,
      unackedPresent: null,
      lostKeys: [],
    };

    const write = async (n: number) => {
      const w: Write = { key: `${ctx.runId}-${n}`, value: `${n}-${randomBytes(6).toString("hex")}`, replica: n % ctx.urls.length, acked: false };
      writes.push(w);
      const failed = await put(ctx, p, w);
      if (failed === undefined) w.acked = true;
      else notAckedBy[failed] = (notAckedBy[failed] ?? 0) + 1;
    };

    // Fixed rate, like a probe: a slow write does not delay the next; at most timeout/interval + 1 in flight.
    const loop = (async () => {
      const everyMs = 1_000 / p.rate;
      const maxInFlight = Math.ceil(p.timeoutMs / everyMs) + 1;
      const inFlight = new Set<Promise<void>>();
      const started = performance.now();
      for (let tick = 1, n = 0; !stopWriting.signal.aborted && !ctx.signal.aborted; tick++) {
        if (inFlight.size < maxInFlight) {
          const tracked: Promise<void> = write(n++).finally(() => inFlight.delete(tracked));
          inFlight.add(tracked);
        }
        await sleep(Math.max(0, started + tick * everyMs - performance.now()), stopWriting.signal);
      }
      await Promise.allSettled(inFlight);
    })();

    return {
      async stop() {
        stopWriting.abort();
        await loop;
        record.writes.attempted = writes.length;
        record.writes.acked = writes.filter((w) => w.acked).length;
        record.writes.notAcked = writes.length - record.writes.acked;
      },
      async verify(signal) {
        const { counts, r } = await readBack(ctx, p, writes, signal);
        record.verify = counts;
        if (signal.aborted) {
          record.error = "read-back interrupted";
          return;
        }
        if (r.unreadable) record.error = `${r.unreadable} key(s) could not be read back`;
        // Unreadable keys could hide losses: the count is only given when every key was read.
        record.lost = r.unreadable ? null : r.lost;
        record.unackedPresent = r.unreadable ? null : r.unackedPresent;
        record.lostKeys = r.lostKeys;
        ctx.event("check", `${record.description}: ${record.writes.acked} acknowledged, ${r.lost} lost, ${r.unackedPresent} unacknowledged but present`);
        if (p.drill) {
          // The writes ended with the load, before the backup: every one of them is expected back.
          record.drill = await runBackupRestoreDrill({ host: ctx.host, signal, event: ctx.event, readBack: (s) => readBack(ctx, p, writes, s) });
          const d = record.drill;
          if (d.error) ctx.event("check", `backup-restore: ${d.error}`);
          else ctx.event("check", `backup-restore: ${d.verify!.read} key(s) read back after the restore, ${d.lost} acknowledged write(s) lost`);
        }
      },
      result: () => record,
    };
  },
};
