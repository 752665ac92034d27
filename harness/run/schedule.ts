// The resolved fault schedule: when each fault fires, which replicas it hits (reproducibly, from its seed)
// and what it will do. Pure: the same scenario always gives the same plan.
import type { FaultKind } from "../faults/fault.ts";
import { faults as registry } from "../faults/registry.ts";
import { selectReplicas } from "../faults/select.ts";
import type { FaultSpec, Scenario } from "../scenario/validate.ts";

export interface PlannedFault {
  id: string;
  spec: FaultSpec;
  kind: FaultKind<any>;
  /** Replica indexes hit. */
  victims: number[];
  seed: number;
  description: string;
}

export function planFaults(scenario: Scenario): PlannedFault[] {
  return scenario.faults
    .map((spec) => {
      const kind = (registry as Record<string, FaultKind<any>>)[spec.kind]!;
      const seed = spec.select?.seed ?? spec.index;
      return {
        id: `faults[${spec.index}]`,
        spec,
        kind,
        victims: selectReplicas(scenario.targets[spec.target]!.replicas, spec.select, seed),
        seed,
        description: kind.describe(spec),
      };
    })
    .sort((a, b) => a.spec.atMs - b.spec.atMs || a.spec.index - b.spec.index);
}
