// A Prometheus query evaluated over a run's load (journal `queries.NAME`): what `run --ab` asks the trial's
// Prometheus before the trial's teardown, for the canary judge to compare (docs/canary.md, "Any metric").
// Written by the run, read back with validation: a journal is untrusted input once written.
import { z } from "zod";
import { formatPath, UsageError } from "./errors.ts";

export interface QuerySeries {
  /** The PromQL as evaluated. */
  query: string;
  /** Resolution of the evaluation: one point every stepMs, from loadStartedAt + stepMs to loadEndedAt. */
  stepMs: number;
  /** How many series the query returned (the judge compares one). */
  series: number;
  /** [at, value] of the one series, in time order, as Prometheus returned it (unscaled); empty unless `series` is 1. */
  points: [number, number][];
  /** Values of that series that were not finite numbers (NaN, +Inf, -Inf): left out of `points`. */
  nonFinite: number;
  /** Why nothing was evaluated: Prometheus unreachable, a PromQL error, no Prometheus in the run. */
  error?: string;
}

/** What a query name may be: it keys the journal's `queries` and names the judge's row. */
export const QUERY_NAME = /^[a-z][a-z0-9_-]{0,62}$/;

const finite = z.number().refine(Number.isFinite, "must be a finite number");
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const querySeriesSchema = z.strictObject({
  query: z.string().min(1).max(10_000),
  stepMs: finite.refine((v) => v > 0, "must be above 0"),
  series: count,
  points: z.array(z.tuple([finite, finite])),
  nonFinite: count,
  error: z.string().max(10_000).optional(),
});

/**
 * The journal's `queries.NAME`, checked: a malformed one is a UsageError naming the file and the field. Points
 * must be in time order, and only the one series of a query that returned one has points.
 */
export function readQuerySeries(raw: unknown, at: { file: string; path: readonly (string | number)[] }): QuerySeries {
  const where = `${at.file}: ${formatPath(at.path)}`;
  const r = querySeriesSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0]!;
    const path = [...at.path, ...(first.path as (string | number)[])];
    throw new UsageError(`${at.file}: ${formatPath(path)}: ${first.message}`);
  }
  const q = r.data;
  if (q.series !== 1 && q.points.length) throw new UsageError(`${where}: has points but ${q.series} series`);
  if (q.points.some((p, i) => i > 0 && p[0] <= q.points[i - 1]![0])) throw new UsageError(`${where}.points: not in time order`);
  return q;
}
