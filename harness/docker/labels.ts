// Labels on everything the harness creates: `steadystate cleanup` finds leftovers by them, and a run
// only ever touches objects carrying its own run id. The pid of the harness process tells cleanup whether
// the run is still in progress (see host/run-owner.ts).
export const RUN_LABEL = "steadystate.run";
export const PID_LABEL = "steadystate.pid";
export const TARGET_LABEL = "steadystate.target";
export const IMAGE_LABEL = "steadystate.image";

export function runLabels(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [RUN_LABEL]: runId, [PID_LABEL]: String(process.pid), ...extra };
}
