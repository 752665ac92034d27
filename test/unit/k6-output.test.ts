import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { k6Args, k6Engine } from "../../harness/load/k6.ts";
import { k6Outcomes, parseK6Line } from "../../harness/load/k6-output.ts";
import { LineTail } from "../../harness/load/line-tail.ts";
import type { LoadSpec } from "../../harness/specs/load/spec.ts";
import { LATE_MS, Recorder } from "../../harness/metrics/recorder.ts";

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

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `steadystate-${prefix}-`));
/** One http_req_duration point as k6 writes it. */
const point = (at: number, status = 200) =>
  JSON.stringify({ type: "Point", metric: "http_req_duration", data: { time: new Date(at).toISOString(), value: 5, tags: { status: String(status) } } });
const T = Date.UTC(2026, 10, 23, 17, 0, 0);

describe("reading k6's output while k6 writes it", () => {
  it("returns the complete lines appended since the last read; a torn line waits for its end", async () => {
    const file = join(tmp("tail"), "k6-output.json");
    const tail = new LineTail(file);
    expect(await tail.read()).toEqual([]); // k6 has not created it yet
    writeFileSync(file, "one\ntw");
    expect(await tail.read()).toEqual(["one"]);
    expect(await tail.read()).toEqual([]);
    appendFileSync(file, "o\r\n\nthree\nfo");
    expect(await tail.read()).toEqual(["two", "three"]);
    appendFileSync(file, "ur\n");
    expect(await tail.read()).toEqual(["four"]);
    expect(tail.atEnd).toBe(true);
    await tail.close();
  });

  it("is bounded: a read takes at most maxReadBytes, a line longer than maxLineBytes is skipped whole", async () => {
    const file = join(tmp("tail"), "k6-output.json");
    const tail = new LineTail(file, { maxReadBytes: 8, maxLineBytes: 6 });
    writeFileSync(file, "ab\ncd\nef\n");
    expect(await tail.read()).toEqual(["ab", "cd"]);
    expect(tail.atEnd).toBe(false);
    expect(await tail.read()).toEqual(["ef"]);
    expect(tail.atEnd).toBe(true);
    // 20 bytes without a newline, read over three calls, then the end of that line: all of it is dropped.
    appendFileSync(file, "x".repeat(20));
    for (let i = 0; i < 3; i++) expect(await tail.read()).toEqual([]);
    appendFileSync(file, "yy\nok\n");
    expect(await tail.read()).toEqual(["ok"]);
    await tail.close();
  });

  it("puts each batch in time order: k6's lines are not ordered across VUs", () => {
    expect(k6Outcomes([point(T + 30), "{\"type\":\"Metric\"}", point(T + 10, 503), point(T + 20)]).map((o) => [o.at - T, o.ok])).toEqual([
      [10, false],
      [20, true],
      [30, true],
    ]);
  });

  it("counts an outcome up to LATE_MS behind the newest in its own window; an older one in the oldest window open", () => {
    const rec = new Recorder(T, { windowMs: 1_000 });
    rec.addSource("load");
    rec.record("load", T + 500, true, 5);
    rec.record("load", T + 1_400, true, 5);
    rec.record("load", T + 900, false, 5, "http 503"); // 500 ms late: window 0
    rec.record("load", T + 2_300, true, 5);
    rec.record("load", T + 950, false, 5, "http 503"); // 1350 ms late: window 0 is sealed, so window 1
    rec.close(T + 3_000);
    expect(LATE_MS).toBe(1_000);
    expect(rec.alignedWindows("load").map((w) => [w.ok, w.failed])).toEqual([
      [1, 1],
      [1, 1],
      [1, 0],
    ]);
    // Buckets are exact, however late: both failures sit in bucket 9 (900–1000 ms).
    expect(rec.stats("load", 9, 10)).toMatchObject({ ok: 0, failed: 2 });
  });
});

describe("k6 engine (a stand-in k6 on PATH)", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("records k6's outcomes while it runs, not only once it has exited", async () => {
    const bin = tmp("fake-k6");
    const go = join(bin, "go");
    // Writes a first batch (out of order, ending in a torn line), then waits until the harness has recorded
    // an outcome (the test creates `go`) before finishing the line and exiting: replaying the output only
    // after the exit would never get there, and the stand-in exits 1 after 10 s.
    writeFileSync(
      join(bin, "k6"),
      `#!/usr/bin/env node
const fs = require("node:fs");
const out = process.argv.find((a) => a.startsWith("json=")).slice(5);
const lines = ${JSON.stringify([point(T + 20), point(T + 10, 503)])};
const last = ${JSON.stringify(point(T + 30))};
fs.writeFileSync(out, lines.join("\\n") + "\\n" + last.slice(0, 40));
const started = Date.now();
const wait = setInterval(() => {
  if (fs.existsSync(${JSON.stringify(go)})) {
    fs.appendFileSync(out, last.slice(40) + "\\n");
    process.exit(0);
  }
  if (Date.now() - started > 10000) process.exit(1);
}, 20);
`,
    );
    chmodSync(join(bin, "k6"), 0o755);
    vi.stubEnv("PATH", `${bin}:${process.env.PATH}`);
    const recorded: { at: number; ok: boolean; k6Waiting: boolean }[] = [];
    const spec = { engine: "k6", model: "script", script: join(bin, "load.js"), warmupMs: 0, durationMs: 1_000, requests: [], stages: [], timeoutMs: 1_000 } as LoadSpec;
    await k6Engine.run({
      urls: { api: ["http://127.0.0.1:1"] },
      spec,
      runDir: bin,
      signal: new AbortController().signal,
      record: (at, ok) => {
        recorded.push({ at: at - T, ok, k6Waiting: !existsSync(go) });
        writeFileSync(go, "");
      },
    });
    expect(recorded).toEqual([
      { at: 10, ok: false, k6Waiting: true },
      { at: 20, ok: true, k6Waiting: false },
      { at: 30, ok: true, k6Waiting: false },
    ]);
  });
});
