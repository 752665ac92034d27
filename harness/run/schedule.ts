// The resolved fault schedule: when each injection fires (repeats expanded), which replicas it hits
// (reproducibly, from its seed) and what it will do. Pure: the same scenario always gives the same plan.
import type { FaultKind } from "../faults/fault.ts";
import { faultKind } from "../faults/registry.ts";
import { selectReplicas } from "../faults/select.ts";
import type { FaultSpec, Scenario } from "../scenario/scenario.ts";
import type { FaultKindName } from "../specs/faults/registry.ts";

export interface PlannedFault {
  /** `faults[2]`, or `faults[2]#3` for the third time a repeated fault fires. */
  id: string;
  spec: FaultSpec;
  kind: FaultKind<any>;
  /** When this injection fires, from the load start (`at` + (occurrence − 1) × `repeat.every`). */
  atMs: number;
  /** 1-based; `times` of a repeated fault, 1 otherwise. */
  occurrence: number;
  occurrences: number;
  /** Replica indexes hit. */
  victims: number[];
  seed: number;
  description: string;
}

export function planFaults(scenario: Scenario): PlannedFault[] {
  return scenario.faults
    .flatMap((spec) => {
      const kind = faultKind(spec.kind as FaultKindName);
      const seed = spec.select?.seed ?? spec.index;
      const times = spec.repeat?.times ?? 1;
      return Array.from({ length: times }, (_, k) => ({
        id: spec.repeat ? `faults[${spec.index}]#${k + 1}` : `faults[${spec.index}]`,
        spec,
        kind,
        atMs: spec.atMs + k * (spec.repeat?.everyMs ?? 0),
        occurrence: k + 1,
        occurrences: times,
        // Each occurrence draws again (seed + k), so a repeated fault can move between replicas, reproducibly.
        victims: selectReplicas(scenario.targets[spec.target]!.replicas, spec.select && { ...spec.select, seed: seed + k }, seed + k),
        seed: seed + k,
        description: kind.describe(spec) + (spec.repeat ? ` (${k + 1}/${times})` : ""),
      }));
    })
    .sort((a, b) => a.atMs - b.atMs || a.spec.index - b.spec.index);
}
