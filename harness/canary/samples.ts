// The samples each side of a comparison contributes, read from its journals (one per trial): per-window
// values of the load in the steady phase (windows that end before the first fault) or in the fault phase
// (the rest), pooled request counts for proportions, and one MTTR / MTTD per injected fault per trial.
import { UsageError } from "../contracts/errors.ts";
import { detects, type Journal, type WindowRow, LOAD_SOURCE } from "../contracts/journal.ts";
import type { JudgeMetric, Phase } from "./config.ts";
import type { Proportion } from "./proportions.ts";

export interface Side {
  label: string;
  journals: { file: string; journal: Journal }[];
}

/** The windows of a journal in the phase: before the first fault (steady) or from it on (faults). */
export function phaseWindows(file: string, j: Journal, phase: Phase): WindowRow[] {
  if (!j.windows) throw new UsageError(`${file}: the journal has no per-window series (it was written by an older steadystate); run it again`);
  const injected = j.faults.map((f) => f.injectedAt).filter((at): at is number => at !== null);
  const firstFault = injected.length ? Math.min(...injected) : Infinity;
  const windowMs = j.hypothesis.windowMs;
  return j.windows.filter((w) => (phase === "steady" ? w.at + windowMs <= firstFault : w.at + windowMs > firstFault));
}

/** One value per window of the phase; windows without a load outcome have no latency. */
export function windowValues(side: Side, metric: JudgeMetric, phase: Phase): number[] {
  const out: number[] = [];
  for (const { file, journal } of side.journals) {
    for (const w of phaseWindows(file, journal, phase)) {
      const load = w.series[LOAD_SOURCE];
      if (metric === "throughput") out.push(((load?.ok ?? 0) * 1_000) / journal.hypothesis.windowMs);
      else {
        const v = load?.[metric as "p50" | "p90" | "p95" | "p99" | "max" | "mean"];
        if (v !== undefined) out.push(v);
      }
    }
  }
  return out;
}

/** Failed / all requests of the load over the phase, pooled over trials. */
export function failedProportion(side: Side, phase: Phase): Proportion {
  let count = 0;
  let total = 0;
  for (const { file, journal } of side.journals) {
    for (const w of phaseWindows(file, journal, phase)) {
      const load = w.series[LOAD_SOURCE];
      count += load?.failed ?? 0;
      total += (load?.ok ?? 0) + (load?.failed ?? 0);
    }
  }
  return { count, total };
}

/** The side's trials, each as a side of its own. */
export const trialsOf = (side: Side): Side[] => side.journals.map((j) => ({ label: side.label, journals: [j] }));

export interface FaultValues {
  values: number[];
  /** Faults that never recovered (MTTR) or were never detected (MTTD), among the values. */
  never: number;
}

/**
 * One value per injected fault per trial, but for those a trial that ended early cut short (not judged). A
 * fault that never recovered (or was never detected) counts with
 * the time it was watched, from injection to the end of the load: a lower bound of its true value, and in
 * practice above the others, so the rank test treats it as the worst without a rule of its own.
 */
export function faultValues(side: Side, metric: "mttr" | "mttd"): FaultValues {
  const values: number[] = [];
  let never = 0;
  for (const { journal } of side.journals) {
    // Time to detect exists only in trials that watched for alerts or detectors; elsewhere mttdMs is null
    // for every fault, which is "not measured", not "never detected".
    if (metric === "mttd" && !detects(journal)) continue;
    for (const f of journal.faults.filter((x) => x.injectedAt !== null && !x.error)) {
      const v = metric === "mttr" ? f.mttrMs : f.mttdMs;
      // A fault the trial's early end cut short has no value yet: unknown, not never.
      if (v === null && f.notJudged) continue;
      if (v === null) {
        never++;
        values.push((journal.loadEndedAt ?? journal.endedAt) - f.injectedAt!);
      } else values.push(v);
    }
  }
  return { values, never };
}
