// Which alert or detector firing detected each fault, which heal action answered it, whether each expected
// alert fired in time, and which firings were false alarms. Pure: reads the faults (with their recovery),
// the alert edges and the heal records.
//
// A fault's window runs from its injection to the next injection (or the end). When `expect` names alerts
// for the fault's kind, the fault is detected by the first of those to fire in its window; otherwise by the
// first firing of any alert or detector in it. Its action is the first heal action at or after the
// detection (or the injection) in the window. A firing is a false alarm when it starts before the first
// injection, or more than `settle` after the recovery of the fault before it.
import type { DetectionSpec } from "../specs/detect/scenario.ts";
import type { AlertEvent, HealRecord, Expectation, FaultRecord } from "../contracts/journal.ts";
import { faultWindows, firstFiring } from "../contracts/fault-windows.ts";
export interface Attribution {
  faults: FaultRecord[];
  expectations: Expectation[];
  falseAlarms: AlertEvent[];
}

export function attribute(faults: readonly FaultRecord[], alerts: readonly AlertEvent[], heal: readonly HealRecord[], spec: DetectionSpec | null): Attribution {
  const firings = alerts.filter((a) => a.state === "firing").sort((a, b) => a.at - b.at);
  const windows = faultWindows(faults);

  const expectations: Expectation[] = [];
  const attributed = faults.map((f): FaultRecord => {
    if (f.injectedAt === null) return f;
    const end = windows.find((w) => w.fault === f)!.to;
    const expected = (spec?.expect ?? []).filter((e) => e.for === "any" || e.for === f.kind);
    for (const e of expected) {
      const fired = firstFiring(firings, f.injectedAt, end, [e.alert]);
      const delayMs = fired ? fired.at - f.injectedAt : null;
      expectations.push({ alert: e.alert, fault: f.id, withinMs: e.withinMs, firedAt: fired?.at ?? null, delayMs, met: delayMs !== null && delayMs <= e.withinMs });
    }
    const detection = firstFiring(firings, f.injectedAt, end, expected.length ? expected.map((e) => e.alert) : undefined);
    const detectedAt = detection?.at ?? null;
    const action = heal.filter((h) => h.at >= (detectedAt ?? f.injectedAt!) && h.at < end).sort((a, b) => a.at - b.at)[0];
    return {
      ...f,
      detectedAt,
      detectedBy: detection?.name ?? null,
      actionAt: action?.at ?? null,
      action: action?.action ?? null,
      mttdMs: detectedAt === null ? null : detectedAt - f.injectedAt,
      mttaMs: detectedAt !== null && action ? action.at - detectedAt : null,
    };
  });

  const settleMs = spec?.settleMs ?? 0;
  const falseAlarms = firings.filter((a) => {
    const before = windows.filter((w) => w.from <= a.at).at(-1)?.fault;
    if (!before) return true;
    return before.recoveredAt !== null && a.at > before.recoveredAt + settleMs;
  });
  return { faults: attributed, expectations, falseAlarms };
}
