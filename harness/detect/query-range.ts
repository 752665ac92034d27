// Prometheus queries evaluated over a run's load for the canary judge (judge.yaml `metrics: - { query: … }`,
// docs/canary.md "Any metric"): the HTTP API's query_range, one point per step, asked once the load has ended
// and before the teardown stops the run's own Prometheus. What comes back is recorded as it is (every series
// counted, non-finite values counted): deciding what it means is the judge's, from the journal.
import { z } from "zod";
import type { QuerySeries } from "../contracts/query-series.ts";
import { sleep } from "../contracts/time.ts";

export interface RangeQuery {
  /** The metric's name in judge.yaml: the key of the journal's `queries`. */
  name: string;
  query: string;
  stepMs: number;
}

const TIMEOUT_MS = 10_000;
/** Prometheus refuses a range of more points than this per series. */
export const MAX_POINTS = 11_000;

const answerSchema = z.union([
  z.object({
    status: z.literal("success"),
    data: z.object({
      resultType: z.string(),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()).optional(), values: z.array(z.tuple([z.number(), z.string()])).optional() })),
    }),
  }),
  z.object({ status: z.literal("error"), errorType: z.string().optional(), error: z.string().optional() }),
]);

/** Seconds with millisecond precision, as the API takes them. */
const seconds = (ms: number) => (ms / 1_000).toFixed(3);

/**
 * One query over [start + step, end]: each point's step lies inside the load. Never throws: a failure is the
 * series' `error`, for the judge to report.
 */
export async function queryRange(url: string, q: RangeQuery, range: { start: number; end: number }, signal?: AbortSignal): Promise<QuerySeries> {
  const base = { query: q.query, stepMs: q.stepMs, series: 0, points: [] as [number, number][], nonFinite: 0 };
  const first = range.start + q.stepMs;
  if (first > range.end) return { ...base, error: `the load (${range.end - range.start}ms) is shorter than one step (${q.stepMs}ms)` };
  if ((range.end - first) / q.stepMs + 1 > MAX_POINTS) return { ...base, error: `more than ${MAX_POINTS} steps of ${q.stepMs}ms over the load: give a longer step` };
  const endpoint = `${url.replace(/\/$/, "")}/api/v1/query_range`;
  const form = new URLSearchParams({ query: q.query, start: seconds(first), end: seconds(range.end), step: seconds(q.stepMs) });
  let body: unknown;
  let status: number;
  try {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const res = await fetch(endpoint, { method: "POST", body: form, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    status = res.status;
    const text = await res.text();
    try {
      body = JSON.parse(text);
    } catch {
      return { ...base, error: `POST ${endpoint}: HTTP ${status}, not JSON: ${text.slice(0, 200)}` };
    }
  } catch (e) {
    return { ...base, error: `POST ${endpoint}: ${(e as Error).message}` };
  }
  const a = answerSchema.safeParse(body);
  if (!a.success) return { ...base, error: `POST ${endpoint}: HTTP ${status}, not a Prometheus answer` };
  if (a.data.status === "error") return { ...base, error: `Prometheus: ${a.data.errorType ? `${a.data.errorType}: ` : ""}${a.data.error ?? `HTTP ${status}`}` };
  const { resultType, result } = a.data.data;
  if (resultType !== "matrix") return { ...base, error: `Prometheus answered a ${resultType}, not a matrix` };
  if (result.length !== 1) return { ...base, series: result.length };
  const points: [number, number][] = [];
  let nonFinite = 0;
  for (const [t, v] of result[0]!.values ?? []) {
    const value = Number(v);
    if (Number.isFinite(value)) points.push([Math.round(t * 1_000), value]);
    else nonFinite++;
  }
  return { ...base, series: 1, points, nonFinite };
}

/**
 * Every query over the load, once Prometheus has had `settleMs` after the load's end to scrape its last
 * samples (a point near the end would otherwise miss them). Keyed by name, in the queries' order.
 */
export async function queryLoad(
  url: string,
  queries: readonly RangeQuery[],
  load: { start: number; end: number },
  settleMs: number,
  signal?: AbortSignal,
): Promise<Record<string, QuerySeries>> {
  await sleep(Math.max(0, load.end + settleMs - Date.now()), signal);
  const series = await Promise.all(queries.map((q) => queryRange(url, q, load, signal)));
  return Object.fromEntries(queries.map((q, i) => [q.name, series[i]!]));
}
