// The detection and self-healing part of the human-readable reports: per fault, what detected it and how
// fast, what the healer did, where the anomaly showed first; each alert path's time to detect; expectations,
// false alarms, balancer ejections and container resources. Pure functions of the journal.
import type { Journal } from "../harness/run/journal.ts";
import { detects, ms, offset, resourceRows } from "./format.ts";
import { expectationTable } from "./tables.ts";

type Table = (head: string[], rows: string[][]) => string;

/** Time from each fault's injection to the first firing of each alert or detector in its window. */
function detectionDelays(j: Journal): { name: string; delays: (number | null)[] }[] {
  const injected = j.faults.filter((f) => f.injectedAt !== null).sort((a, b) => a.injectedAt! - b.injectedAt!);
  const names = [...new Set(j.alerts.filter((a) => a.state === "firing").map((a) => a.name))];
  return names.map((name) => ({
    name,
    delays: j.faults.map((f) => {
      if (f.injectedAt === null) return null;
      const end = injected.find((g) => g.injectedAt! > f.injectedAt!)?.injectedAt ?? Infinity;
      const first = j.alerts.find((a) => a.name === name && a.state === "firing" && a.at >= f.injectedAt! && a.at < end);
      return first ? first.at - f.injectedAt : null;
    }),
  }));
}

export function detectionSection(j: Journal, table: Table): string[] {
  const out: string[] = [];
  const balancer = j.events.filter((e) => e.type === "balancer");
  const injected = j.faults.filter((f) => f.injectedAt !== null);
  if ((detects(j) && injected.length) || j.heal.length || balancer.length) out.push("", "## Detection and healing");
  if (detects(j) && injected.length) {
    const delays = detectionDelays(j);
    if (delays.length) {
      out.push("", "Time to detect, per alert and detector (from each injection to its first firing):", "");
      out.push(table(["alert or detector", ...injected.map((f) => f.id)], delays.map((d) => [d.name, ...d.delays.filter((_, i) => j.faults[i]!.injectedAt !== null).map(ms)])));
    }
  }
  const d = j.detection;
  const expected = expectationTable(j);
  if (expected.rows.length) {
    out.push("", "Expected alerts:", "");
    out.push(table(expected.head, expected.rows.map((r, i) => [...r, expected.met[i] ? "✅ met" : "❌ missed"])));
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
