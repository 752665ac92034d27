import { duration, obj } from "../scenario/fields.ts";

export interface GraceParams {
  graceMs: number;
}

/** `grace`: how long SIGTERM may take before SIGKILL, for faults that stop a container the orderly way. */
export const graceParams = obj({ grace: duration.default(5_000) }).transform(({ grace }): GraceParams => ({ graceMs: grace }));

/** Docker's stop timeout is whole seconds. */
export const graceSeconds = (p: GraceParams) => Math.ceil(p.graceMs / 1_000);
