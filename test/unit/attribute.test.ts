import { describe, expect, it } from "vitest";
import type { AlertEvent, HealRecord } from "../../harness/contracts/journal.ts";
import { attribute } from "../../harness/detect/attribute.ts";
import { detectionReasons } from "../../harness/detect/journal.ts";
import type { DetectionSpec } from "../../harness/specs/detect/scenario.ts";
import { scheduledFault, type FaultRecord, type Journal } from "../../harness/contracts/journal.ts";

const T0 = 1_700_000_000_000;
const s = (seconds: number) => T0 + seconds * 1_000;

function fault(id: number, kind: string, injectedS: number | null, recoveredS: number | null): FaultRecord {
  return {
    ...scheduledFault({ id: `faults[${id}]`, kind, target: "api", description: `${kind} api`, victims: ["api-0"], atMs: (injectedS ?? 0) * 1_000, durationMs: null }),
    injectedAt: injectedS === null ? null : s(injectedS),
    recoveredAt: recoveredS === null ? null : s(recoveredS),
    recovered: recoveredS !== null,
  };
}
const firing = (name: string, atS: number): AlertEvent => ({ name, state: "firing", at: s(atS), labels: {} });
const resolved = (name: string, atS: number): AlertEvent => ({ name, state: "resolved", at: s(atS), labels: {} });
const heal = (atS: number, action = "restart"): HealRecord => ({ at: s(atS), rule: "heal[0]", on: "ApiDown", action, target: "api", replicas: ["api-0"], ok: true });
const spec = (expect: { alert: string; for: string; withinS: number }[], settleS = 10): DetectionSpec => ({
  prometheus: null,
  expect: expect.map((e, index) => ({ index, alert: e.alert, for: e.for, withinMs: e.withinS * 1_000 })),
  quietBefore: true,
  settleMs: settleS * 1_000,
  detectors: [],
  ruleAlerts: [],
});

describe("attributing alerts, actions and false alarms to faults", () => {
  it("detects each fault by the first expected alert in its window and takes the first action after it", () => {
    const faults = [fault(0, "crash", 10, 14), fault(1, "stop", 25, 30)];
    const alerts = [firing("errors", 11), firing("ApiDown", 12.2), resolved("ApiDown", 15), firing("ApiDown", 28.1)];
    const a = attribute(faults, alerts, [heal(12.21), heal(28.2)], spec([{ alert: "ApiDown", for: "any", withinS: 6 }]));
    expect(a.faults.map((f) => [f.detectedBy, f.detectedAt, f.mttdMs, f.action, f.actionAt, f.mttaMs])).toEqual([
      ["ApiDown", s(12.2), 2_200, "restart", s(12.21), 10],
      ["ApiDown", s(28.1), 3_100, "restart", s(28.2), 100],
    ]);
    expect(a.expectations).toEqual([
      { alert: "ApiDown", fault: "faults[0]", withinMs: 6_000, firedAt: s(12.2), delayMs: 2_200, met: true },
      { alert: "ApiDown", fault: "faults[1]", withinMs: 6_000, firedAt: s(28.1), delayMs: 3_100, met: true },
    ]);
    expect(a.falseAlarms).toEqual([]);
  });

  it("without expectations, the first firing of anything detects; nothing in the window means not detected", () => {
    const a = attribute([fault(0, "crash", 10, 14), fault(1, "pause", 20, 21)], [firing("errors-threshold", 11)], [], spec([]));
    expect(a.faults.map((f) => [f.detectedBy, f.mttdMs, f.action, f.mttaMs])).toEqual([
      ["errors-threshold", 1_000, null, null],
      [null, null, null, null],
    ]);
  });

  it("an expected alert that never fires, or fires late, is not met", () => {
    const a = attribute([fault(0, "crash", 10, 14), fault(1, "crash", 30, 34)], [firing("ApiDown", 38)], [], spec([{ alert: "ApiDown", for: "crash", withinS: 5 }]));
    expect(a.expectations.map((e) => [e.fault, e.delayMs, e.met])).toEqual([
      ["faults[0]", null, false],
      ["faults[1]", 8_000, false],
    ]);
  });

  it("counts firings before the first fault and more than settle after a recovery as false alarms", () => {
    const alerts = [firing("Noisy", 2), firing("ApiDown", 12), firing("Late", 20), firing("Stray", 25.5), firing("Never", 40)];
    const a = attribute([fault(0, "crash", 10, 15), fault(1, "crash", 35, null)], alerts, [], spec([], 10));
    expect(a.falseAlarms.map((x) => x.name)).toEqual(["Noisy", "Stray"]);
  });

  it("gives the verdict's reasons: the missed alert by name, and quietBefore false alarms of expected alerts", () => {
    const a = attribute([fault(0, "crash", 10, 14)], [firing("ApiDown", 3), resolved("ApiDown", 4), firing("Other", 5)], [], spec([{ alert: "ApiNeverFires", for: "crash", withinS: 5 }, { alert: "ApiDown", for: "crash", withinS: 5 }]));
    const journal = {
      loadStartedAt: T0,
      faults: a.faults,
      detection: { sliUrl: null, prometheusUrl: null, alertmanagerUrl: null, quietBefore: true, settleMs: 10_000, detectors: [], expectations: a.expectations, falseAlarms: a.falseAlarms },
    } as unknown as Journal;
    expect(detectionReasons(journal)).toEqual([
      "expected alert ApiNeverFires did not fire within 5s after crash api (faults[0])",
      "expected alert ApiDown did not fire within 5s after crash api (faults[0])",
      "false alarm: ApiDown fired at +3s, before the first fault (quietBefore)",
    ]);
  });
});
