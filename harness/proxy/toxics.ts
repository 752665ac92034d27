// The toxics: one stage per rule in a direction of a connection. A stage receives the chunks read from the
// source in order and hands them on (now, later, cut, or not at all) to whatever follows it. Removing a
// stage hands on at once everything it holds, so a fault window ends without losing or reordering data.
import { bandwidthPieces, latencyDue, slicePieces, type Piece } from "./timing.ts";
import type { ToxicRule } from "../specs/faults/proxy-rules.ts";

export interface Sink {
  write(chunk: Buffer): void;
  /** The source ended (FIN). */
  end(): void;
}

export interface Stage extends Sink {
  /** The rule is gone: hand on what is held, end if the end was held, stop every timer. */
  remove(): void;
}

export interface StageContext {
  /** What follows this stage (looked up on each call: the chain changes while the connection lives). */
  next(): Sink;
  /** Bytes taken out of the stream for good. */
  dropped(bytes: number): void;
  /** Ends the whole connection: "close" flushes and sends FIN both ways, "reset" sends RST both ways. */
  closeConnection(how: "close" | "reset"): void;
  random(): number;
  now(): number;
}

export function createStage(rule: ToxicRule, ctx: StageContext): Stage {
  switch (rule.toxic) {
    case "latency": {
      let lastDueAt = 0;
      return timed(ctx, (chunk, now) => {
        lastDueAt = latencyDue(now, rule.delayMs, rule.jitterMs, lastDueAt, ctx.random);
        return [{ data: chunk, dueAt: lastDueAt }];
      });
    }
    case "bandwidth": {
      let freeAt = 0;
      return timed(ctx, (chunk, now) => {
        const r = bandwidthPieces(chunk, now, freeAt, rule.bytesPerSecond);
        freeAt = r.freeAt;
        return r.pieces;
      });
    }
    case "slicer": {
      let nextAt = 0;
      return timed(ctx, (chunk, now) => {
        const r = slicePieces(chunk, rule.averageSize, rule.sizeVariation, rule.delayMs, Math.max(now, nextAt), ctx.random);
        nextAt = r.nextAt;
        return r.pieces;
      });
    }
    case "slow-close":
      return slowClose(ctx, rule.delayMs);
    case "timeout":
      return dropAll(ctx, rule.timeoutMs > 0 ? setTimeout(() => ctx.closeConnection("close"), rule.timeoutMs) : undefined);
    case "blackhole":
      return dropAll(ctx, undefined);
    case "reset-peer":
      return resetPeer(ctx, rule.timeoutMs);
    case "limit-data":
      return limitData(ctx, rule.bytes);
  }
}

/** A stage that releases pieces at their due times, in order, with one timer. */
function timed(ctx: StageContext, schedule: (chunk: Buffer, now: number) => Piece[]): Stage {
  const queue: Piece[] = [];
  let timer: NodeJS.Timeout | undefined;
  let endHeld = false;
  const release = () => {
    timer = undefined;
    const now = ctx.now();
    // Half a millisecond early is on time: timers fire on whole milliseconds.
    while (queue.length && queue[0]!.dueAt <= now + 0.5) ctx.next().write(queue.shift()!.data);
    if (queue.length) arm();
    else if (endHeld) ctx.next().end();
  };
  const arm = () => {
    timer = setTimeout(release, Math.max(0, queue[0]!.dueAt - ctx.now()));
  };
  return {
    write(chunk) {
      queue.push(...schedule(chunk, ctx.now()));
      if (!timer) arm();
    },
    end() {
      if (queue.length) endHeld = true;
      else ctx.next().end();
    },
    remove() {
      clearTimeout(timer);
      timer = undefined;
      for (const piece of queue.splice(0)) ctx.next().write(piece.data);
      if (endHeld) ctx.next().end();
    },
  };
}

/** Data flows; the end (FIN) is held for `delayMs`. */
function slowClose(ctx: StageContext, delayMs: number): Stage {
  let timer: NodeJS.Timeout | undefined;
  return {
    write: (chunk) => ctx.next().write(chunk),
    end() {
      timer = setTimeout(() => {
        timer = undefined;
        ctx.next().end();
      }, delayMs);
    },
    remove() {
      if (!timer) return;
      clearTimeout(timer);
      timer = undefined;
      ctx.next().end();
    },
  };
}

/**
 * Nothing gets through, not even the end: the connection is held. `closeTimer` (timeout) closes it later,
 * blackhole never does. Once the rule is gone, data flows again and a held end is passed on.
 */
function dropAll(ctx: StageContext, closeTimer: NodeJS.Timeout | undefined): Stage {
  let endHeld = false;
  return {
    write: (chunk) => ctx.dropped(chunk.length),
    end: () => {
      endHeld = true;
    },
    remove() {
      clearTimeout(closeTimer);
      if (endHeld) ctx.next().end();
    },
  };
}

/** The first data to arrive arms a reset (RST both ways) after `timeoutMs`; data and end after it are dropped. */
function resetPeer(ctx: StageContext, timeoutMs: number): Stage {
  let armed = false;
  let endHeld = false;
  let timer: NodeJS.Timeout | undefined;
  return {
    write(chunk) {
      ctx.dropped(chunk.length);
      if (armed) return;
      armed = true;
      if (timeoutMs === 0) ctx.closeConnection("reset");
      else timer = setTimeout(() => ctx.closeConnection("reset"), timeoutMs);
    },
    end() {
      if (armed) endHeld = true;
      else ctx.next().end();
    },
    remove() {
      clearTimeout(timer);
      if (endHeld) ctx.next().end();
    },
  };
}

/** Passes `bytes` bytes in this direction, then closes the connection. */
function limitData(ctx: StageContext, bytes: number): Stage {
  let passed = 0;
  return {
    write(chunk) {
      const room = Math.max(0, bytes - passed);
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      if (kept.length < chunk.length) ctx.dropped(chunk.length - kept.length);
      passed += kept.length;
      if (kept.length) ctx.next().write(kept);
      if (passed >= bytes) ctx.closeConnection("close");
    },
    end: () => ctx.next().end(),
    remove: () => undefined,
  };
}
