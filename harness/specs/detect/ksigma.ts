// ksigma's spec: `k` (σ from the trailing baseline) and the baseline keys.
import { z } from "zod";
import { obj } from "../fields.ts";
import { baselineShape } from "./baseline.ts";
import type { DetectorKindSpec, Direction } from "./detector.ts";

export interface KSigmaParams {
  k: number;
  baselineMs: number;
  direction: Direction;
  minSigma: number;
  forMs: number;
}

export const ksigma: DetectorKindSpec<KSigmaParams> = {
  kind: "ksigma",
  summary: "alarmed while a point is more than `k`·σ from a trailing baseline of normal points",
  params: (unit) =>
    obj({ k: z.number().positive().default(3), ...baselineShape(unit) }).transform(({ baseline, for: forMs, ...rest }) => ({
      ...rest,
      baselineMs: baseline,
      forMs,
    })),
  describe: (p) => `${p.direction} ${p.k}σ from a trailing ${p.baselineMs}ms baseline`,
};
