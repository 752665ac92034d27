// Which fault each alert follows: the window of each injected fault (until the next injection) and the first
// firing in a window. Read by the end-of-run attribution and by the reports alike.
import type { AlertEvent, FaultRecord } from "./journal.ts";

export interface FaultWindow {
  fault: FaultRecord;
  /** The injection, and the next injection (Infinity for the last fault). */
  from: number;
  to: number;
}

/** The window of each injected fault, in injection order. */
export function faultWindows(faults: readonly FaultRecord[]): FaultWindow[] {
  const injected = faults.filter((f) => f.injectedAt !== null).sort((a, b) => a.injectedAt! - b.injectedAt!);
  return injected.map((fault) => ({ fault, from: fault.injectedAt!, to: injected.find((g) => g.injectedAt! > fault.injectedAt!)?.injectedAt ?? Infinity }));
}

/** The earliest firing in [from, to), of one of `names` when given. */
export function firstFiring(alerts: readonly AlertEvent[], from: number, to: number, names?: readonly string[]): AlertEvent | undefined {
  let first: AlertEvent | undefined;
  for (const a of alerts) {
    if (a.state !== "firing" || a.at < from || a.at >= to || (names && !names.includes(a.name))) continue;
    if (!first || a.at < first.at) first = a;
  }
  return first;
}
