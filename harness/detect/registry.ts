// Every built-in detector kind's runtime, by the name its spec has in harness/specs/detect/registry.ts: a
// kind missing on either side does not compile.
import type { DetectorKindName, detectorSpecs } from "../specs/detect/registry.ts";
import type { DetectorParams } from "../specs/detect/detector.ts";
import { cusum } from "./cusum.ts";
import type { DetectorRuntime } from "./detector.ts";
import { ewma } from "./ewma.ts";
import { forecast } from "./forecast.ts";
import { isolationForest } from "./isolation-forest.ts";
import { ksigma } from "./ksigma.ts";
import { predict } from "./predict.ts";
import { threshold } from "./threshold.ts";

export const detectorRuntimes = { threshold, ksigma, ewma, cusum, forecast, predict, "isolation-forest": isolationForest } as const satisfies {
  [K in DetectorKindName]: DetectorRuntime<DetectorParams<(typeof detectorSpecs)[K]>, any>;
};
