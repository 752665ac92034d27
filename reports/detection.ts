// The detection and self-healing part of the human-readable reports: per fault, what detected it and how
// fast, what the healer did, where the anomaly showed first; each alert path's time to detect; expectations,
// false alarms, balancer ejections and container resources. Pure functions of the journal.
import { faultWindows, firstFiring, type FaultWindow } from "../harness/contracts/fault-windows.ts";
import type { Expectation, Journal } from "../harness/contracts/journal.ts";
import { detects, ms, offset, resourceRows, resultText } from "./format.ts";
import { expectationTable } from "./tables.ts";

type Table = (head: string[], rows: string[][]) => string;

/** Time from each fault's injection to the first firing of each alert or detector in its window (attribute.ts). */
function detectionDelays(j: Journal, windows: readonly FaultWindow[]): { name: string; delays: (number | null)[] }[] {
  const names = [...new Set(j.alerts.filter((a) => a.state === "firing").map((a) => a.name))];
  return names.map((name) => ({
    name,
    delays: windows.map((w) => {
      const first = firstFiring(j.alerts, w.from, w.to, [name]);
      return first ? first.at - w.from : null;
    }),
  }));
}

export function detectionSection(j: Journal, table: Table): string[] {
  const out: string[] = [];
  const balancer = j.events.filter((e) => e.type === "balancer");
  const windows = faultWindows(j.faults);
  if ((detects(j) && windows.length) || j.heal.length || balancer.length) out.push("", "## Detection and healing");
  if (detects(j) && windows.length) {
    const delays = detectionDelays(j, windows);
    if (delays.length) {
      out.push("", "Time to detect, per alert and detector (from each injection to its first firing):", "");
      out.push(table(["alert or detector", ...windows.map((w) => w.fault.id)], delays.map((d) => [d.name, ...d.delays.map(ms)])));
    }
  }
  const d = j.detection;
  const expected = expectationTable(j);
  if (expected.rows.length) {
    out.push("", "Expected alerts:", "");
    const result = (e: Expectation) => resultText(e, e.met, { pass: "✅ met", fail: "❌ missed" });
    out.push(table(expected.head, expected.rows.map((r, i) => [...r, result(expected.expectations[i]!)])));
  }
  if (d?.falseAlarms.length) {
    out.push("", `False alarms (before the first fault, or more than ${ms(d.settleMs)} after a recovery):`, "");
    out.push(...d.falseAlarms.map((a) => `- ${a.name} at ${offset(j, a.at)}`));
  }
  if (j.heal.length) {
    out.push("", "Healer actions:", "");
    out.push(table(["at", "rule", "on", "result"], j.heal.map((h) => [offset(j, h.at), h.rule, h.on, h.ok ? (h.detail ?? "done") : `failed: ${h.error}`])));
  }
  if (balancer.length) {
    out.push("", "Load balancer:", "", ...balancer.map((e) => `- ${offset(j, e.at)} ${e.message}`));
  }
  const resources = resourceRows(j);
  if (resources.length) {
    out.push("", "## Containers", "", "From Docker stats, about one sample per second.", "");
    out.push(table(["container", "target", "peak CPU", "peak memory", "restarts"], resources));
  }
  return out;
}
