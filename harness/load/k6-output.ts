// Reads k6's JSON output (`k6 run --out json=FILE`): one JSON object per line, `{type: "Metric", …}`
// declaring a metric or `{type: "Point", metric, data: {time, value, tags}}` for one sample. Each HTTP
// request yields one `http_req_duration` point, timed at the request's end (value in ms) and tagged with
// `status` ("0" when no response came), `expected_response` (k6's own verdict, which a script may change
// with http.setResponseCallback) and, on network errors, `error_code`.
import { classifyStatus } from "./engine.ts";

export interface K6Outcome {
  at: number;
  ok: boolean;
  latencyMs?: number;
  reason?: string;
}

/** k6 error codes (https://grafana.com/docs/k6/latest/javascript-api/error-codes/) in the harness's words. */
const ERROR_CODES: Record<string, string> = {
  "1050": "timeout",
  "1211": "timeout",
  "1212": "ECONNREFUSED",
  "1220": "ECONNRESET",
  "1201": "EPIPE",
};

/** The request outcome a line describes, or undefined for every other line (metrics, other samples, a torn last line). */
export function parseK6Line(line: string): K6Outcome | undefined {
  let sample: { type?: unknown; metric?: unknown; data?: { time?: unknown; value?: unknown; tags?: Record<string, string> | null } };
  try {
    sample = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (sample?.type !== "Point" || sample.metric !== "http_req_duration") return undefined;
  const at = typeof sample.data?.time === "string" ? Date.parse(sample.data.time) : NaN;
  const value = sample.data?.value;
  if (!Number.isFinite(at) || typeof value !== "number") return undefined;
  const tags = sample.data?.tags ?? {};
  const status = Number(tags.status ?? 0);
  if (!status) {
    const code = tags.error_code ?? "";
    return { at, ok: false, reason: ERROR_CODES[code] ?? (code ? `k6 error ${code}` : "no response") };
  }
  const byStatus = classifyStatus(status);
  const ok = tags.expected_response === undefined ? byStatus.ok : tags.expected_response === "true";
  return ok ? { at, ok, latencyMs: value } : { at, ok, latencyMs: value, reason: `http ${status}` };
}

/**
 * The outcomes of a batch of lines, in time order: k6 writes its points as VUs hand them over, not strictly
 * ordered across VUs, and the recorder takes outcomes best in order (see LATE_MS in recorder.ts).
 */
export function k6Outcomes(lines: readonly string[]): K6Outcome[] {
  return lines.map(parseK6Line).filter((o): o is K6Outcome => o !== undefined).sort((a, b) => a.at - b.at);
}
