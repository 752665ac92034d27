// threshold's spec: a comparison `op` `value` that must hold for `for` (no baseline).
import { z } from "zod";
import { OPS, type Op } from "../slo/grammar.ts";
import { duration, obj } from "../fields.ts";
import type { DetectorKindSpec } from "./detector.ts";

export interface ThresholdParams {
  op: Op;
  value: number;
  forMs: number;
}

export const threshold: DetectorKindSpec<ThresholdParams> = {
  kind: "threshold",
  summary: "alarmed while the value compares `op` `value` for `for` (no baseline)",
  params: (unit) =>
    obj({ op: z.enum(OPS as [Op, ...Op[]]), value: unit.value, for: duration.default(0) }).transform(({ for: forMs, ...rest }) => ({
      ...rest,
      forMs,
    })),
  describe: (p) => `value ${p.op} ${p.value} for ${p.forMs}ms`,
};
