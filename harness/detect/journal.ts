// The detection part of the journal, assembled after the run from what the watch recorded: per-fault
// detection, action and localisation, expectations, false alarms; and the reasons they give the verdict.
import { loadTargetName } from "../specs/load/spec.ts";
import type { Scenario } from "../scenario/scenario.ts";
import { formatDuration } from "../contracts/units.ts";
import type { DetectionSummary, FaultRecord, Journal, TimelineRow } from "../contracts/journal.ts";
import { attribute } from "./attribute.ts";
import { localise } from "./localise.ts";
import type { WatchResults } from "./watch.ts";
import { faultWindows } from "../contracts/fault-windows.ts";
export type DetectionParts = Pick<Journal, "faults" | "resources" | "alerts" | "heal" | "detection">;

export function detectionParts(s: Scenario, faults: FaultRecord[], timeline: readonly TimelineRow[], loadEndedAt: number | null, watch: WatchResults | undefined): DetectionParts {
  if (!watch) return { faults, resources: {}, alerts: [], heal: [], detection: null };
  const spec = s.detection;
  const a = attribute(faults, watch.alerts, watch.heal, spec);
  const sourceTargets = Object.fromEntries([["load", loadTargetName(s.load)], ...s.probes.map((p) => [`probe:${p.name}`, p.target])]);
  const end = loadEndedAt ?? Infinity;
  const summary: DetectionSummary = {
    sliUrl: watch.sliUrl,
    prometheusUrl: watch.prometheusUrl,
    alertmanagerUrl: watch.alertmanagerUrl,
    quietBefore: spec?.quietBefore ?? false,
    settleMs: spec?.settleMs ?? 0,
    detectors: (spec?.detectors ?? []).map((d) => ({ name: d.name, description: d.description })),
    expectations: a.expectations,
    falseAlarms: a.falseAlarms,
  };
  const windows = faultWindows(a.faults);
  // Localisation looks from the injection to the recovery, or (no impact, or none yet) to the end of the
  // fault's window: what happens after the next injection belongs to that fault.
  const until = (f: FaultRecord) => {
    const windowEnd = Math.min(end, windows.find((w) => w.fault === f)?.to ?? end);
    return f.recoveredAt !== null && f.recoveredAt > (f.injectedAt ?? 0) ? Math.min(f.recoveredAt, windowEnd) : windowEnd;
  };
  return {
    faults: a.faults.map((f) => ({ ...f, localisation: localise(f, { timeline, resources: watch.resources, sourceTargets, until: until(f) }) })),
    resources: watch.resources,
    alerts: watch.alerts,
    heal: watch.heal,
    detection: summary,
  };
}

/**
 * Why detection makes the run fail: an expected alert that did not fire in time (not one whose time the run's
 * early end cut short), a false alarm in the quiet period.
 */
export function detectionReasons(j: Journal): string[] {
  const d = j.detection;
  if (!d) return [];
  const reasons: string[] = [];
  for (const e of d.expectations.filter((x) => !x.met && !x.notJudged)) {
    const fault = j.faults.find((f) => f.id === e.fault);
    const what = `${fault?.description ?? e.fault} (${e.fault})`;
    reasons.push(
      e.delayMs === null
        ? `expected alert ${e.alert} did not fire within ${formatDuration(e.withinMs)} after ${what}`
        : `expected alert ${e.alert} fired ${formatDuration(e.delayMs)} after ${what}, later than within ${formatDuration(e.withinMs)}`,
    );
  }
  if (d.quietBefore) {
    const first = Math.min(...j.faults.map((f) => f.injectedAt ?? Infinity));
    const expected = new Set(d.expectations.map((e) => e.alert));
    for (const a of d.falseAlarms.filter((x) => x.at < first && expected.has(x.name))) {
      const when = j.loadStartedAt === null ? "" : ` at ${a.at < j.loadStartedAt ? "−" : "+"}${formatDuration(Math.abs(a.at - j.loadStartedAt))}`;
      reasons.push(`false alarm: ${a.name} fired${when}, before the first fault (quietBefore)`);
    }
  }
  return reasons;
}
