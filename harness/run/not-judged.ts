// What a run that ended early (interrupted by a signal, or aborted by a stop condition) could not judge:
// faults that had not recovered yet, data checks never read back, expected alerts whose time had not run
// out. Their outcome is unknown, not a failure: the journal marks them so that no reader counts them as
// "never recovered", "not verified" or "missed".
import { faultWindows, type FaultWindow } from "../contracts/fault-windows.ts";
import type { Expectation, FaultRecord, Journal, NotJudged } from "../contracts/journal.ts";

export function markNotJudged(j: Journal, cause: NotJudged): void {
  j.faults = j.faults.map((f) => (cutShort(f) ? { ...f, notJudged: cause } : f));
  j.checks = j.checks.map((c) => (c.verify === null && !c.error ? { ...c, notJudged: cause } : c));
  if (!j.detection) return;
  const end = j.loadEndedAt ?? j.endedAt;
  const windows = faultWindows(j.faults);
  j.detection.expectations = j.detection.expectations.map((e) => (expectationCutShort(e, windows, end) ? { ...e, notJudged: cause } : e));
}

/** Injected, and not recovered by the time the load stopped: a recovery may have come later. */
function cutShort(f: FaultRecord): boolean {
  return f.injectedAt !== null && !f.error && !f.recovered;
}

/**
 * Not fired, and the load stopped within `withinMs` of its fault's injection, before a next fault closed the
 * fault's window: it could still have fired in time.
 */
function expectationCutShort(e: Expectation, windows: readonly FaultWindow[], end: number): boolean {
  const w = windows.find((x) => x.fault.id === e.fault);
  return !e.met && e.firedAt === null && !!w && w.to >= end && end - w.from < e.withinMs;
}
