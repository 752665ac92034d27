// Every benchmark item, in the order of the benchmark list. Adding one = its file and a line here; its
// number is fixed (README and results.json refer to it).
import { accuracy } from "./accuracy.ts";
import type { BenchItem } from "./item.ts";
import { loadOverhead } from "./load-overhead.ts";
import { openModel } from "./open-model.ts";
import { proxyPassthrough } from "./proxy-passthrough.ts";
import { recorderMemory } from "./recorder-memory.ts";
import { reportRendering } from "./report-rendering.ts";
import { runOverhead } from "./run-overhead.ts";
import { sequentialAb } from "./sequential.ts";

export const benchItems: readonly BenchItem[] = [loadOverhead, proxyPassthrough, accuracy, recorderMemory, reportRendering, runOverhead, openModel, sequentialAb].sort((a, b) => a.id - b.id);
