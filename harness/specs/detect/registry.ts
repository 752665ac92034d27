// Every built-in detector kind, by name (`detection.detectors[].kind`): its spec. The runtimes are
// registered under the same names in harness/detect/registry.ts.
import { cusum } from "./cusum.ts";
import type { DetectorKindSpec } from "./detector.ts";
import { ewma } from "./ewma.ts";
import { forecast } from "./forecast.ts";
import { isolationForest } from "./isolation-forest.ts";
import { ksigma } from "./ksigma.ts";
import { predict } from "./predict.ts";
import { threshold } from "./threshold.ts";

export const detectorSpecs = { threshold, ksigma, ewma, cusum, forecast, predict, "isolation-forest": isolationForest } as const satisfies Record<string, DetectorKindSpec<any>>;
export type DetectorKindName = keyof typeof detectorSpecs;
export const detectorKinds = Object.keys(detectorSpecs) as DetectorKindName[];
