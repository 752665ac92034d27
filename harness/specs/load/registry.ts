// Every load engine's spec, by name (`load.engine`); their runtimes are harness/load/registry.ts, keyed by
// the same names. Adding one = its spec file and a line here, its runtime and a line there.
import { autocannonSpec } from "./autocannon.ts";
import type { LoadEngineSpec } from "./engine.ts";
import { k6Spec } from "./k6.ts";
import type { LoadEngineName } from "./schema.ts";
import { undiciSpec } from "./undici.ts";

export const loadEngineSpecs = { autocannon: autocannonSpec, undici: undiciSpec, k6: k6Spec } as const satisfies Record<LoadEngineName, LoadEngineSpec>;
