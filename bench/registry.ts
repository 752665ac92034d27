// Every benchmark item, in the order of the benchmark list. Adding one = its file and a line here; its
// number is fixed (README and results.json refer to it). Item 2, the fault proxy's pass-through against
// HAProxy and a direct connection, lives with the proxy.
import { accuracy } from "./accuracy.ts";
import type { BenchItem } from "./item.ts";
import { loadOverhead } from "./load-overhead.ts";
import { recorderMemory } from "./recorder-memory.ts";
import { reportRendering } from "./report-rendering.ts";
import { runOverhead } from "./run-overhead.ts";

export const benchItems: readonly BenchItem[] = [loadOverhead, accuracy, recorderMemory, reportRendering, runOverhead].sort((a, b) => a.id - b.id);
