// cusum's spec: the allowed `drift` k and the alarm `threshold` h (both in σ) and the baseline keys.
import { z } from "zod";
import { obj } from "../fields.ts";
import { baselineShape } from "./baseline.ts";
import type { DetectorKindSpec, Direction } from "./detector.ts";

export interface CusumParams {
  drift: number;
  threshold: number;
  baselineMs: number;
  direction: Direction;
  minSigma: number;
  forMs: number;
}

export const cusum: DetectorKindSpec<CusumParams> = {
  kind: "cusum",
  summary: "alarmed while Page's cumulative sum of deviations beyond `drift` exceeds `threshold`",
  params: (unit) =>
    obj({ drift: z.number().min(0).default(0.5), threshold: z.number().positive().default(5), ...baselineShape(unit) }).transform(
      ({ baseline, for: forMs, ...rest }) => ({ ...rest, baselineMs: baseline, forMs }),
    ),
  describe: (p) => `${p.direction} CUSUM k=${p.drift}σ h=${p.threshold}σ after a ${p.baselineMs}ms baseline`,
};
