// Keys every statistical detector (ksigma, ewma, cusum) shares: how long its baseline is, which side of it
// counts, the smallest σ and how long a deviation must last.
import { z } from "zod";
import { duration, positiveDuration } from "../fields.ts";
import { DIRECTIONS, type Direction, type SignalUnit } from "./detector.ts";

export const baselineShape = (unit: SignalUnit) => ({
  baseline: positiveDuration.default(30_000),
  direction: z.enum(DIRECTIONS as [Direction, ...Direction[]]).default("up"),
  minSigma: unit.value.default(unit.minSigma),
  for: duration.default(0),
});
