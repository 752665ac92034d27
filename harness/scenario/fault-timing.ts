// Checks of the fault schedule as a whole: every occurrence fires and ends inside the load, a repeated
// fault is undone before it fires again, and two faults that change the same setting of a target (its
// memory limit, its freezer, …) never overlap: the later one would save the earlier one's value as its
// "prior" value and restore that.
import type { FaultKind } from "../faults/fault.ts";
import type { Issue } from "./errors.ts";
import { formatDuration } from "./units.ts";
import type { FaultSpec } from "./validate.ts";

interface Window {
  fault: FaultSpec;
  from: number;
  to: number;
}

export function checkFaultTiming(faults: readonly FaultSpec[], kinds: Readonly<Record<string, FaultKind<any>>>, loadMs: number): Issue[] {
  const issues: Issue[] = [];
  for (const f of faults) {
    const path = ["faults", f.index];
    const times = f.repeat?.times ?? 1;
    const lastAt = f.atMs + (times - 1) * (f.repeat?.everyMs ?? 0);
    if (f.atMs >= loadMs) {
      issues.push({ path: [...path, "at"], message: `${formatDuration(f.atMs)} is not before the end of the load (${formatDuration(loadMs)})` });
    } else if (lastAt >= loadMs) {
      issues.push({
        path: [...path, "repeat", "times"],
        message: `occurrence ${times} would start at ${formatDuration(lastAt)}, not before the end of the load (${formatDuration(loadMs)})`,
      });
    } else if (f.durationMs !== undefined && lastAt + f.durationMs > loadMs) {
      issues.push({
        path: [...path, f.repeat ? "repeat" : "duration"],
        message: `${f.repeat ? `occurrence ${times}` : "the fault"} ends at ${formatDuration(lastAt + f.durationMs)}, after the load ends (${formatDuration(loadMs)})`,
      });
    }
    if (f.repeat && f.durationMs !== undefined && f.repeat.everyMs < f.durationMs) {
      issues.push({
        path: [...path, "repeat", "every"],
        message: `${formatDuration(f.repeat.everyMs)} is shorter than duration (${formatDuration(f.durationMs)}): an occurrence would start before the previous one is undone`,
      });
    }
  }

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
