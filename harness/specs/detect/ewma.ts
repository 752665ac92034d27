// ewma's spec: the weight `lambda` of the newest point, the width `L` of the control limits (in σ) and the
// baseline keys.
import { z } from "zod";
import { obj } from "../fields.ts";
import { baselineShape } from "./baseline.ts";
import type { DetectorKindSpec, Direction } from "./detector.ts";

export interface EwmaParams {
  lambda: number;
  L: number;
  baselineMs: number;
  direction: Direction;
  minSigma: number;
  forMs: number;
}

export const ewma: DetectorKindSpec<EwmaParams> = {
  kind: "ewma",
  summary: "alarmed while an EWMA of the signal leaves its control limits (small sustained shifts)",
  params: (unit) =>
    obj({ lambda: z.number().gt(0).max(1).default(0.3), L: z.number().positive().default(3), ...baselineShape(unit) }).transform(
      ({ baseline, for: forMs, ...rest }) => ({ ...rest, baselineMs: baseline, forMs }),
    ),
  describe: (p) => `${p.direction} EWMA λ=${p.lambda} L=${p.L} after a ${p.baselineMs}ms baseline`,
};
