// Every load engine's runtime, by name (`load.engine`); the names and what each engine accepts are its spec
// (harness/specs/load/registry.ts): a name without a runtime does not compile.
import type { LoadEngine } from "./engine.ts";
import { autocannonEngine } from "./autocannon.ts";
import { k6Engine } from "./k6.ts";
import type { LoadEngineName } from "../specs/load/schema.ts";
import { undiciEngine } from "./undici.ts";

export const loadEngines = { autocannon: autocannonEngine, undici: undiciEngine, k6: k6Engine } as const satisfies Record<LoadEngineName, LoadEngine>;
