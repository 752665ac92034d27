import { obj, stopGrace } from "../fields.ts";

export interface GraceParams {
  graceMs: number;
}

/** `grace`: how long SIGTERM may take before SIGKILL, for faults that stop a container the orderly way. */
export const graceParams = obj({ grace: stopGrace(5_000) }).transform(({ grace }): GraceParams => ({ graceMs: grace }));

/** Docker's stop timeout, in the seconds it counts (the grace is whole seconds). */
export const graceSeconds = (p: GraceParams) => p.graceMs / 1_000;
