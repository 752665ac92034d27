// Every built-in detector kind, by name (`detection.detectors[].kind`).
import { cusum } from "./cusum.ts";
import type { Detector } from "./detector.ts";
import { ewma } from "./ewma.ts";
import { ksigma } from "./ksigma.ts";
import { threshold } from "./threshold.ts";

export const detectors = { threshold, ksigma, ewma, cusum } as const satisfies Record<string, Detector<any, any>>;
export type DetectorKindName = keyof typeof detectors;
export const detectorKinds = Object.keys(detectors) as DetectorKindName[];
