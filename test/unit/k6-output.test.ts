import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { k6Args } from "../../harness/load/k6.ts";
import { parseK6Line } from "../../harness/load/k6-output.ts";
import type { LoadSpec } from "../../harness/load/spec.ts";

// A sample of `k6 run --out json=FILE`, written from k6's documented format (results-output/real-time/json):
// metric declarations, points of other metrics, http_req_duration points with k6's tags, and a last line cut
// short as when k6 is interrupted.
const sample = readFileSync(join(import.meta.dirname, "..", "fixtures", "k6-output.json"), "utf8").split("\n");

describe("k6 JSON output", () => {
  it("turns every http_req_duration point into one outcome, timed at the request's end, and skips the rest", () => {
    expect(sample.map(parseK6Line).filter((o) => o !== undefined)).toEqual([
      { at: Date.UTC(2026, 10, 23, 17, 0, 1, 12), ok: true, latencyMs: 12.345678 },
      { at: Date.UTC(2026, 10, 23, 17, 0, 1, 250), ok: false, latencyMs: 3.5, reason: "http 503" },
      // No response: k6's error code in the harness's words, and no latency (k6 reports zero timings).
      { at: Date.UTC(2026, 10, 23, 17, 0, 1, 500), ok: false, reason: "ECONNREFUSED" },
      { at: Date.UTC(2026, 10, 23, 17, 0, 2), ok: false, reason: "timeout" },
      // The script's response callback made a 404 expected: k6's verdict wins over the status class.
      { at: Date.UTC(2026, 10, 23, 17, 0, 2, 100), ok: true, latencyMs: 8 },
      { at: Date.UTC(2026, 10, 23, 17, 0, 2, 200), ok: false, reason: "k6 error 1000" },
    ]);
  });

  it("passes the targets' loopback URLs and the planned length to the script as __ENV values", () => {
    const spec = { script: "/s/load.js", target: "api", warmupMs: 2_000, durationMs: 10_000 } as LoadSpec;
    const urls = { api: ["http://127.0.0.1:4001", "http://127.0.0.1:4002"], "web-front": ["http://127.0.0.1:4003"] };
    expect(k6Args({ urls, spec }, "/run/k6-output.json")).toEqual([
      "run", "--quiet", "--no-color", "--out", "json=/run/k6-output.json",
      "--env", "TARGET_API=http://127.0.0.1:4001",
      "--env", "TARGET_WEB_FRONT=http://127.0.0.1:4003",
      "--env", "BASE_URL=http://127.0.0.1:4001",
      "--env", "DURATION=12s",
      "/s/load.js",
    ]);
  });
});
