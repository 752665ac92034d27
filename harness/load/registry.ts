// Every load engine, by name (`load.engine`).
import type { LoadEngine } from "./engine.ts";
import { autocannonEngine } from "./autocannon.ts";
import { k6Engine } from "./k6.ts";
import type { LoadEngineName } from "./spec.ts";
import { undiciEngine } from "./undici.ts";

export const loadEngines = { autocannon: autocannonEngine, undici: undiciEngine, k6: k6Engine } as const satisfies Record<LoadEngineName, LoadEngine>;
