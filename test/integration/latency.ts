// What a delay fault must do to a median of request times, whatever the load on the machine: load only adds
// to a median (by tens of milliseconds, or more on a busy machine), so "delay ± 20 ms" is no property of
// the fault. Every request waited the delay (the median is at least the delay), and only once (not on each
// direction or each hop: less than twice the delay on top of before); undone, requests no longer wait it
// (half of it left as the busy machine's margin).
import { expect } from "vitest";

export function expectDelayedOnce(beforeMs: number, duringMs: number, delayMs: number): void {
  expect(duringMs).toBeGreaterThanOrEqual(delayMs);
  expect(duringMs - beforeMs).toBeLessThan(2 * delayMs);
}

export function expectUndone(beforeMs: number, afterMs: number, delayMs: number): void {
  expect(afterMs - beforeMs).toBeLessThan(delayMs / 2);
}
