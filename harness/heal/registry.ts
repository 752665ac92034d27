// Every repair action, by name (`heal[].action`). Adding one = its file, a line here, a row in docs/detection.md.
import type { HealAction } from "./action.ts";
import { replace } from "./replace.ts";
import { resources } from "./resources.ts";
import { restart } from "./restart.ts";
import { scale } from "./scale.ts";

export const healActions = { restart, replace, scale, resources } as const satisfies Record<string, HealAction<any>>;
export const healActionNames = Object.keys(healActions);
