// The thresholds grammar, `METRIC OP VALUE` (k6 style): `availability >= 99.5%`, `p99 < 300ms`,
// `mttr < 6s`, `throughput >= 300/s`. The same comparison (`OP VALUE`) is used by the steady-state
// hypothesis (`errorRate: "< 1%"`). Values are stored canonically: fractions, milliseconds, req/s, counts.
import { quote } from "../../contracts/errors.ts";
import { DURATION_HINT, formatDuration, formatPercent, parseDuration, parsePercent } from "../../contracts/units.ts";
import type { Unit } from "../../contracts/journal.ts";

export type Op = "<" | "<=" | ">" | ">=";
export const OPS: readonly Op[] = ["<", "<=", ">", ">="];

export interface Comparison {
  op: Op;
  value: number;
}

export interface Objective extends Comparison {
  text: string;
  metric: string;
  unit: Unit;
}

/** A failure names the valid choices, and the user's unknown name among them (`given`) when there is one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; valid?: readonly string[]; given?: string };

// Any run of comparison characters is taken as the operator, so that an unknown one (`=<`) is named as
// written rather than cut to a prefix (`=`) with the rest read as the value.
const COMPARISON = /^\s*([<>=!]+)\s*(\S+)\s*$/;
const OBJECTIVE = /^\s*([A-Za-z_][\w.]*)\s*([<>=!]+)?\s*(.*?)\s*$/;

const UNIT_HINT: Record<Unit, string> = {
  ratio: "a percentage like 99.5%",
  duration: DURATION_HINT,
  rate: "requests per second like 300 or 300/s",
  count: "a whole number like 0 or 3",
};

export function parseValue(text: string, unit: Unit): number | undefined {
  const t = text.trim();
  switch (unit) {
    case "ratio":
      return parsePercent(t);
    case "duration":
      // A bare number means milliseconds, as in k6 thresholds.
      return /^\d+(\.\d+)?$/.test(t) ? Number(t) : parseDuration(t, true);
    case "rate": {
      const m = /^(\d+(?:\.\d+)?)(?:\/s|rps)?$/.exec(t);
      return m ? Number(m[1]) : undefined;
    }
    case "count":
      return /^\d+$/.test(t) ? Number(t) : undefined;
  }
}

export function parseComparison(text: string, unit: Unit): Parsed<Comparison> {
  const m = COMPARISON.exec(text);
  if (!m) return { ok: false, message: `expected "OP VALUE" such as "< ${example(unit)}"`, valid: OPS };
  if (!isOp(m[1]!)) return unknownOp(m[1]!);
  const value = parseValue(m[2]!, unit);
  if (value === undefined) return { ok: false, message: `${quote(m[2]!)} is not ${UNIT_HINT[unit]}` };
  return { ok: true, value: { op: m[1], value } };
}

/** Parses `METRIC OP VALUE` against a table of known metrics and their units. */
export function parseObjective(text: string, units: Readonly<Record<string, Unit>>, known: readonly string[] = Object.keys(units)): Parsed<Objective> {
  const m = OBJECTIVE.exec(text);
  if (!m || !m[2] || !m[3]) {
    return { ok: false, message: `${quote(text)} is not "METRIC OP VALUE" such as "p99 < 300ms"` };
  }
  const [, metric, op, rest] = m as unknown as [string, string, string, string];
  // Own keys only: a metric named like an Object method ("constructor") is unknown, not a function.
  const unit = Object.hasOwn(units, metric) ? units[metric] : undefined;
  if (!unit) return { ok: false, message: `unknown metric "${metric}"`, valid: known, given: metric };
  if (!isOp(op)) return unknownOp(op);
  const value = parseValue(rest, unit);
  if (value === undefined) return { ok: false, message: `${metric} needs ${UNIT_HINT[unit]}, not ${quote(rest)}` };
  return { ok: true, value: { text: `${metric} ${op} ${rest}`, metric, op, value, unit } };
}

const isOp = (text: string): text is Op => (OPS as readonly string[]).includes(text);

function unknownOp(op: string): Parsed<never> {
  return { ok: false, message: `unknown operator ${quote(op)}`, valid: OPS, given: op };
}

export function holds(measured: number, c: Comparison): boolean {
  switch (c.op) {
    case "<":
      return measured < c.value;
    case "<=":
      return measured <= c.value;
    case ">":
      return measured > c.value;
    case ">=":
      return measured >= c.value;
  }
}

export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  switch (unit) {
    case "ratio":
      return formatPercent(value, 3);
    case "duration":
      return Number.isFinite(value) ? formatDuration(value) : "never";
    case "rate":
      return `${Math.round(value * 10) / 10}/s`;
    case "count":
      return String(value);
  }
}

function example(unit: Unit): string {
  return { ratio: "1%", duration: "500ms", rate: "300/s", count: "1" }[unit];
}
