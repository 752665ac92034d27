// predict's spec: the `limit` a signal must not cross (in its unit), how far ahead to look (`horizon`) and
// the trailing `window` the trend is fitted on.
import { z } from "zod";
import { duration, obj, positiveDuration } from "../fields.ts";
import type { DetectorKindSpec } from "./detector.ts";

export interface PredictParams {
  limit: number;
  horizonMs: number;
  windowMs: number;
  /** up: the limit is crossed from below (memory growing to its limit); down: from above. */
  direction: "up" | "down";
  forMs: number;
}

export const predict: DetectorKindSpec<PredictParams> = {
  kind: "predict",
  summary: "alarmed while a linear trend over a trailing `window` reaches `limit` within `horizon` (time to breach)",
  params: (unit) =>
    obj({
      limit: unit.value,
      horizon: positiveDuration.default(60_000),
      window: positiveDuration.default(60_000),
      direction: z.enum(["up", "down"]).default("up"),
      for: duration.default(0),
    }).transform(({ horizon, window, for: forMs, ...rest }) => ({ ...rest, horizonMs: horizon, windowMs: window, forMs })),
  describe: (p) => `trend over ${p.windowMs}ms ${p.direction === "up" ? "reaching" : "falling to"} ${p.limit} within ${p.horizonMs}ms`,
};
