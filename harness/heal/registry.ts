// Every repair action's runtime, by the name its spec has in harness/specs/heal/registry.ts: an action
// missing on either side does not compile.
import type { HealParams } from "../specs/heal/action.ts";
import type { HealActionName, healActionSpecs } from "../specs/heal/registry.ts";
import type { HealActionRuntime } from "./action.ts";
import { replace } from "./replace.ts";
import { resources } from "./resources.ts";
import { restart } from "./restart.ts";
import { scale } from "./scale.ts";

export const healActionRuntimes = { restart, replace, scale, resources } as const satisfies {
  [K in HealActionName]: HealActionRuntime<HealParams<(typeof healActionSpecs)[K]>>;
};
