// isolation-forest's spec: a multivariate detector over several signals (`signals`, base key), trained on
// the windows before the first fault (or the first `train`), with a threshold at the training scores'
// 1 − `contamination` quantile.
import { z } from "zod";
import { duration, int, obj, positiveDuration, ratio } from "../fields.ts";
import type { DetectorKindSpec } from "./detector.ts";

export interface IsolationForestParams {
  /** Training length from the first point; null until the scenario fills it in (the first fault's time). */
  trainMs: number | null;
  contamination: number;
  trees: number;
  sampleSize: number;
  seed: number;
  forMs: number;
}

export const isolationForest: DetectorKindSpec<IsolationForestParams> = {
  kind: "isolation-forest",
  multivariate: true,
  summary: "alarmed while several signals together are as isolated as the `contamination` share of training windows",
  params: () =>
    obj({
      train: positiveDuration.optional(),
      contamination: ratio.refine((c) => c > 0 && c <= 0.5, { message: "must be above 0 and at most 50%" }).default(0.01),
      trees: int(10, 1_000).default(100),
      sampleSize: int(8, 4_096).default(256),
      seed: z.number().int().default(1),
      for: duration.default(0),
    }).transform(({ train, for: forMs, ...rest }) => ({ ...rest, trainMs: train ?? null, forMs })),
  describe: (p) => `${p.trees} trees, contamination ${+(p.contamination * 100).toFixed(3)}%, trained over ${p.trainMs === null ? "the time before the first fault" : `${p.trainMs}ms`}`,
};
