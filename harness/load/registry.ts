// Every load engine, by name (`load.engine`).
import { autocannonEngine } from "./autocannon.ts";
import type { LoadEngine } from "./engine.ts";

export const loadEngines = { autocannon: autocannonEngine } as const satisfies Record<string, LoadEngine>;
