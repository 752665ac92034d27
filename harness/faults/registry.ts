// Every fault kind, by name. Adding one = its file, a line here, a row in docs/faults.md.
import { crash } from "./crash.ts";
import type { FaultKind } from "./fault.ts";
import { pause } from "./pause.ts";
import { restart } from "./restart.ts";
import { stop } from "./stop.ts";

export const faults = { crash, pause, restart, stop } as const satisfies Record<string, FaultKind<any>>;
export type FaultKindName = keyof typeof faults;
export const faultKinds = Object.keys(faults) as FaultKindName[];
