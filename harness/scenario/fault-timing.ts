// Checks of the fault schedule as a whole: every occurrence fires and ends inside the load early enough
// that recovery can be judged (stableFor of steady state before the load ends), a repeated fault is undone
// before it fires again, and two faults that change the same setting of a target (its
// memory limit, its freezer, …) never overlap: the later one would save the earlier one's value as its
// "prior" value and restore that.
import type { FaultKindSpec } from "../specs/faults/fault.ts";
import type { Issue } from "../contracts/errors.ts";
import type { Spelled } from "../contracts/issues.ts";
import { formatDuration } from "../contracts/units.ts";
import type { FaultSpec } from "./scenario.ts";

interface Window {
  fault: FaultSpec;
  from: number;
  to: number;
}

export function checkFaultTiming(
  faults: readonly FaultSpec[],
  kinds: Readonly<Record<string, FaultKindSpec<any>>>,
  loadMs: number,
  /** steadyState's, when it is valid; windowMs bounds how short stableFor may be made. */
  hypothesis: { windowMs: number; stableForMs: number } | undefined,
  spelled: Spelled,
): Issue[] {
  const issues: Issue[] = [];
  const load = spelled(["load", "duration"], loadMs);
  for (const f of faults) {
    const path = ["faults", f.index];
    const times = f.repeat?.times ?? 1;
    const lastAt = f.atMs + (times - 1) * (f.repeat?.everyMs ?? 0);
    if (f.atMs >= loadMs) {
      issues.push({ path: [...path, "at"], message: `${spelled([...path, "at"], f.atMs)} is not before the end of the load (${load})` });
    } else if (lastAt >= loadMs) {
      issues.push({
        path: [...path, "repeat", "times"],
        message: `occurrence ${times} would start at ${formatDuration(lastAt)}, not before the end of the load (${load})`,
      });
    } else if (f.durationMs !== undefined && lastAt + f.durationMs > loadMs) {
      issues.push({
        path: [...path, f.repeat ? "repeat" : "duration"],
        message: `${f.repeat ? `occurrence ${times}` : "the fault"} ends at ${formatDuration(lastAt + f.durationMs)}, after the load ends (${load})`,
      });
    } else if (hypothesis) {
      const late = tooLateToRecover(f, lastAt, loadMs, hypothesis, spelled);
      if (late) issues.push({ path: [...path, "at"], message: late });
    }
    if (f.repeat && f.durationMs !== undefined && f.repeat.everyMs < f.durationMs) {
      issues.push({
        path: [...path, "repeat", "every"],
        message: `${spelled([...path, "repeat", "every"], f.repeat.everyMs)} is shorter than duration (${spelled([...path, "duration"], f.durationMs)}): an occurrence would start before the previous one is undone`,
      });
    }
  }
  return [...issues, ...overlaps(faults, kinds)];
}

/**
 * Recovery is a stretch of stableFor in which the hypothesis holds, and the stretch must end before the
 * load does (even "no impact" is such a stretch from the injection): an occurrence that ends later than
 * stableFor before the end can never be judged recovered, and its run would always fail.
 */
function tooLateToRecover(f: FaultSpec, lastAt: number, loadMs: number, h: { windowMs: number; stableForMs: number }, spelled: Spelled): string | undefined {
  const end = lastAt + (f.durationMs ?? 0);
  if (end + h.stableForMs <= loadMs) return undefined;
  const what = `${f.repeat ? `occurrence ${f.repeat.times}` : "the fault"} ${f.durationMs === undefined ? "fires" : "ends"} at ${formatDuration(end)}`;
  const latestAt = f.atMs - (end + h.stableForMs - loadMs);
  const longestStable = loadMs - end;
  const ways = [
    ...(latestAt >= 0 ? [`at: ${formatDuration(latestAt)} at the latest`] : []),
    `a load of ${formatDuration(end + h.stableForMs)} at least`,
    ...(longestStable >= h.windowMs ? [`steadyState.stableFor: ${formatDuration(longestStable)} at most`] : []),
  ];
  return (
    `${what}, leaving ${formatDuration(loadMs - end)} of the load (${spelled(["load", "duration"], loadMs)}) to see steadyState.stableFor ` +
    `(${spelled(["steadyState", "stableFor"], h.stableForMs)}) of steady state: it could never be judged recovered; give ${ways.join(", or ")}`
  );
}

/** Occurrences of two faults that change the same setting of one target and overlap in time. */
function overlaps(faults: readonly FaultSpec[], kinds: Readonly<Record<string, FaultKindSpec<any>>>): Issue[] {
  const issues: Issue[] = [];
  const windows: Window[] = faults.flatMap((f) =>
    Array.from({ length: f.repeat?.times ?? 1 }, (_, k) => {
      const from = f.atMs + k * (f.repeat?.everyMs ?? 0);
      return { fault: f, from, to: from + (f.durationMs ?? 0) };
    }),
  );
  const reported = new Set<number>();
  for (const a of windows) {
    const setting = kinds[a.fault.kind]?.exclusive;
    if (!setting || reported.has(a.fault.index)) continue;
    const clash = windows.find(
      (b) =>
        b.fault.index < a.fault.index &&
        b.fault.target === a.fault.target &&
        kinds[b.fault.kind]?.exclusive === setting &&
        a.from < b.to &&
        b.from < a.to,
    );
    if (!clash) continue;
    reported.add(a.fault.index);
    issues.push({
      path: ["faults", a.fault.index, "at"],
      message: `overlaps faults[${clash.fault.index}] on ${a.fault.target} (both change its ${setting}, from ${formatDuration(clash.from)} to ${formatDuration(clash.to)}): schedule them apart`,
    });
  }
  return issues;
}
