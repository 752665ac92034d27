// forecast's spec: an ARIMA model of the signal (`order: [p, d, q]`, or `auto: true` for AutoARIMA), fitted
// on the trailing `baseline` of normal points and refitted every `refit` windows; alarmed while the value
// lies outside the forecast's prediction interval at `level`.
import { z } from "zod";
import { int, obj, ratio } from "../fields.ts";
import { baselineShape } from "./baseline.ts";
import type { DetectorKindSpec, Direction } from "./detector.ts";

export interface ForecastParams {
  /** [p, d, q], or null with `auto`: AutoARIMA chooses the order at every fit. */
  order: [number, number, number] | null;
  level: number;
  refit: number;
  baselineMs: number;
  direction: Direction;
  minSigma: number;
  forMs: number;
}

export const DEFAULT_ORDER: [number, number, number] = [1, 0, 0];

export const forecast: DetectorKindSpec<ForecastParams> = {
  kind: "forecast",
  summary: "alarmed while the value leaves an ARIMA forecast's prediction interval at `level` (order or auto)",
  params: (unit) =>
    obj({
      order: z
        .array(int(0, 5))
        .refine((o) => o.length === 3, { message: "must be [p, d, q], three whole numbers such as [1, 0, 0]" })
        .refine((o) => (o[1] ?? 0) <= 2, { path: [1], message: "d (differences) must be 0, 1 or 2" })
        .transform((o) => o as [number, number, number])
        .optional(),
      auto: z.boolean().default(false),
      level: ratio.refine((l) => l >= 0.5 && l < 1, { message: "must be at least 50% and below 100%" }).default(0.99),
      refit: int(1, 1_000).default(5),
      ...baselineShape(unit),
    })
      .superRefine((p, ctx) => {
        if (p.auto && p.order !== undefined) ctx.addIssue({ code: "custom", path: ["order"], message: "give order or auto: true, not both" });
      })
      .transform(({ order, auto, baseline, for: forMs, ...rest }) => ({ ...rest, order: auto ? null : (order ?? DEFAULT_ORDER), baselineMs: baseline, forMs })),
  describe: (p) =>
    `${p.direction} outside the ${+(p.level * 100).toFixed(3)}% interval of ${p.order ? `ARIMA(${p.order.join(",")})` : "AutoARIMA"} refitted every ${p.refit} points on a trailing ${p.baselineMs}ms baseline`,
};
