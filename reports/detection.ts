// The detection and self-healing part of the human-readable reports: per fault, what detected it and how
// fast, what the healer did, where the anomaly showed first; each alert path's time to detect; expectations,
// false alarms, balancer ejections and container resources. Pure functions of the journal.
import type { Journal } from "../harness/run/journal.ts";
import { formatDuration, formatSize } from "../harness/scenario/units.ts";
import { detects, ms, offset } from "./format.ts";

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
    out.push("", "MTTD = detected − injected; MTTA = action − detected; MTTR = recovered − injected.", "");
    out.push(
      table(
        ["fault", "detected by", "MTTD", "action", "MTTA", "MTTR", "first anomaly"],
        injected.map((f) => [
          f.description,
          f.detectedBy ?? "not detected",
          ms(f.mttdMs),
          f.action ? `${f.action} at ${offset(j, f.actionAt)}` : "—",
          ms(f.mttaMs),
          f.recovered ? ms(f.mttrMs) : "never recovered",
          f.localisation
            ? `${f.localisation.target} ${f.localisation.signal} at +${formatDuration(f.localisation.at - f.injectedAt!)} (${f.localisation.matchesInjected ? "the injected target" : `not ${f.target}, the injected target`})`
            : "—",
        ]),
      ),
    );
    const delays = detectionDelays(j);
    if (delays.length) {
      out.push("", "Time to detect, per alert and detector (from each injection to its first firing):", "");
      out.push(table(["alert or detector", ...injected.map((f) => f.id)], delays.map((d) => [d.name, ...d.delays.filter((_, i) => j.faults[i]!.injectedAt !== null).map(ms)])));
    }
  }
  const d = j.detection;
  if (d?.expectations.length) {
    out.push("", "Expected alerts:", "");
    out.push(table(["alert", "after", "within", "fired after", "result"], d.expectations.map((e) => [e.alert, e.fault, ms(e.withinMs), ms(e.delayMs), e.met ? "✅ met" : "❌ missed"])));
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
  const resources = Object.entries(j.resources).filter(([, r]) => r.samples.length);
  if (resources.length) {
    out.push("", "## Containers", "", "From Docker stats, about one sample per second.", "");
    out.push(
      table(
        ["container", "target", "samples", "peak CPU", "peak memory", "restarts"],
        resources.map(([name, r]) => [
          name,
          r.target,
          String(r.samples.length),
          `${Math.max(...r.samples.map((s) => s.cpuPercent)).toFixed(1)}%`,
          formatSize(Math.max(...r.samples.map((s) => s.memoryBytes)), "binary"),
          String(r.samples.at(-1)!.restarts),
        ]),
      ),
    );
  }
  return out;
}
