// Every repair action, by name (`heal[].action`): its spec. Adding one = its spec and a line here, its runtime
// and a line in harness/heal/registry.ts (same name), a row in docs/detection.md.
import type { HealActionSpec } from "./action.ts";
import { replace } from "./replace.ts";
import { resources } from "./resources.ts";
import { restart } from "./restart.ts";
import { scale } from "./scale.ts";

export const healActionSpecs = { restart, replace, scale, resources } as const satisfies Record<string, HealActionSpec<any>>;
export type HealActionName = keyof typeof healActionSpecs;
export const healActionNames = Object.keys(healActionSpecs);
