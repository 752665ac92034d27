// Labels on everything the harness creates: `steadystate cleanup` finds leftovers by them, and a run
// only ever touches objects carrying its own run id.
export const RUN_LABEL = "steadystate.run";
export const TARGET_LABEL = "steadystate.target";
export const IMAGE_LABEL = "steadystate.image";

export function runLabels(runId: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [RUN_LABEL]: runId, ...extra };
}
