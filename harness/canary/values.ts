// A metric's value as the judge's reasons and every comparison report write it, so that a reason's numbers
// read exactly as the table beside it: durations with their unit, rates per second, shares in % and their
// differences in points, sizes in binary units, CPU in percent of one core, plain numbers to 4 digits.
import { formatDuration, formatSize } from "../contracts/units.ts";
import type { Direction, MetricUnit } from "./config.ts";

export function metricValueText(unit: MetricUnit, v: number | null, signed = false): string {
  if (v === null) return "—";
  const sign = signed && v > 0 ? "+" : "";
  if (unit === "share") return signed ? `${sign}${(v * 100).toFixed(2)} pts` : `${(v * 100).toFixed(3)}%`;
  if (unit === "rate") return `${sign}${(Math.round(v * 10) / 10).toString()}/s`;
  if (unit === "number") return `${sign}${Number(v.toPrecision(4)).toString()}`;
  if (unit === "bytes") return `${sign}${formatSize(v, "binary")}`;
  if (unit === "cpu") return `${sign}${(Math.round(v * 10) / 10).toString()}% cpu`;
  return `${sign}${formatDuration(Math.round(v * 100) / 100)}`;
}

/** A p-value as reasons and reports write it: two significant digits, tiny ones in exponent form. */
export const pValueText = (p: number | null): string => (p === null ? "—" : p === 0 ? "0" : p < 1e-4 ? p.toExponential(1) : p.toPrecision(2));

/** A practical margin with the side it guards: +2ms (increase is bad), -20/s (decrease), ±1.00 pts (either). */
export function marginText(unit: MetricUnit, direction: Direction, margin: number | null): string {
  if (margin === null) return "—";
  const text = metricValueText(unit, margin, true).replace(/^\+/, "");
  return `${direction === "either" ? "±" : direction === "increase" ? "+" : "-"}${text}`;
}
