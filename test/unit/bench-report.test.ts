import { describe, expect, it } from "vitest";
import { readStateLog } from "../../bench/accuracy.ts";
import type { Machine } from "../../bench/machine.ts";
import { formatFigure, renderReadmeSection, renderTable, runsOf } from "../../bench/report.ts";
import { exitCode, judge, mergeResults, readResults, type BenchResults, type ItemResult } from "../../bench/results.ts";

const machine: Machine = { loadAverage: { start: 1.5, end: 2 }, cpu: "AMD EPYC", cores: 2, memoryGiB: 24, os: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1", node: "v20.20.2", docker: "20.10.24" };
const run = { generatedAt: "2026-11-23T18:00:00.000Z", machine };
const laterRun = { generatedAt: "2026-12-03T10:40:45.135Z", machine: { ...machine, kernel: "6.2", loadAverage: { start: 3, end: 2.5 } } };

const results: BenchResults = {
  items: [
    {
      id: 1,
      title: "Load overhead",
      ...run,
      figures: [
        { name: "throughput ratio", value: 0.9712, unit: "ratio", goal: { op: ">=", value: 0.95 }, pass: true },
        { name: "autocannon alone", value: 5123.4, unit: "req/s", note: "median of the bursts" },
      ],
      details: {},
    },
    { id: 4, title: "Recording memory", ...run, figures: [{ name: "peak RSS", value: 320, unit: "MB", goal: { op: "<", value: 300 }, pass: false }], details: {} },
    { id: 5, title: "Report rendering", ...run, figures: [], details: {}, error: "ENOENT" },
  ],
};

const item = (id: number, from: typeof run, figures: ItemResult["figures"] = []): ItemResult => ({ id, title: `item ${id}`, ...from, figures, details: { id, from: from.generatedAt } });

describe("bench output", () => {
  it("formats each unit", () => {
    expect([formatFigure(0.9712, "ratio"), formatFigure(5123.4, "req/s"), formatFigure(12, "ms"), formatFigure(null, "s")]).toEqual([
      "0.971",
      "5,123.4 req/s",
      "12 ms",
      "—",
    ]);
  });

  it("prints one row per item and per figure, with goals and results", () => {
    expect(renderTable(results).split("\n")).toEqual([
      "#  figure              measured       goal      result",
      "-  ------------------  -------------  --------  ------",
      "1  Load overhead",
      "     throughput ratio  0.971          ≥ 0.950   pass",
      "     autocannon alone  5,123.4 req/s",
      "4  Recording memory",
      "     peak RSS          320 MB         < 300 MB  MISSED",
      "5  Report rendering    error                    ENOENT",
      "",
      "machine: AMD EPYC, 2 cores, 24 GiB, Debian GNU/Linux 12 (bookworm) (kernel 6.1), Node v20.20.2, Docker 20.10.24; load average 1.5 at the start, 2 at the end",
      "",
    ]);
  });

  it("writes the README section as a Markdown table, dated once when every item comes from one run", () => {
    const md = renderReadmeSection(results).split("\n");
    expect(md).toEqual([
      "Measured 2026-11-23 on AMD EPYC, 2 cores, 24 GiB, Debian GNU/Linux 12 (bookworm) (kernel 6.1), Node v20.20.2, Docker 20.10.24; load average 1.5 at the start, 2 at the end (`npm run bench`; raw figures in",
      "[bench/results.json](bench/results.json)). Ratios are measured in the same run, with interleaved repeats.",
      "",
      "| # | figure | measured | goal | result |",
      "|---|---|---|---|---|",
      "| 1 | **Load overhead** |  |  |  |",
      "|  | throughput ratio | 0.971 | ≥ 0.950 | pass |",
      "|  | autocannon alone | 5,123.4 req/s |  |  |",
      "| 4 | **Recording memory** |  |  |  |",
      "|  | peak RSS | 320 MB | < 300 MB | MISSED |",
      "| 5 | **Report rendering** | error |  | ENOENT |",
      "",
      "- 1, autocannon alone: median of the bursts",
    ]);
  });

  it("says when and where each item was measured when the items come from different runs", () => {
    const mixed: BenchResults = { items: [item(1, laterRun), item(2, run), item(3, run), item(7, laterRun)] };
    expect(runsOf(mixed.items).map((r) => [r.generatedAt, r.ids])).toEqual([
      ["2026-12-03T10:40:45.135Z", [1, 7]],
      ["2026-11-23T18:00:00.000Z", [2, 3]],
    ]);
    expect(renderTable(mixed).split("\n").slice(-4)).toEqual([
      "measured in 2 runs:",
      "  items 1, 7: 2026-12-03 10:40 UTC on AMD EPYC, 2 cores, 24 GiB, Debian GNU/Linux 12 (bookworm) (kernel 6.2), Node v20.20.2, Docker 20.10.24; load average 3 at the start, 2.5 at the end",
      "  items 2, 3: 2026-11-23 18:00 UTC on AMD EPYC, 2 cores, 24 GiB, Debian GNU/Linux 12 (bookworm) (kernel 6.1), Node v20.20.2, Docker 20.10.24; load average 1.5 at the start, 2 at the end",
      "",
    ]);
    expect(renderReadmeSection({ items: [item(1, laterRun), item(2, run)] }).split("\n").slice(0, 7)).toEqual([
      "Measured with `npm run bench` in 2 runs (raw figures in [bench/results.json](bench/results.json)):",
      "",
      "- item 1: 2026-12-03 10:40 UTC on AMD EPYC, 2 cores, 24 GiB, Debian GNU/Linux 12 (bookworm) (kernel 6.2), Node v20.20.2, Docker 20.10.24; load average 3 at the start, 2.5 at the end",
      "- item 2: 2026-11-23 18:00 UTC on AMD EPYC, 2 cores, 24 GiB, Debian GNU/Linux 12 (bookworm) (kernel 6.1), Node v20.20.2, Docker 20.10.24; load average 1.5 at the start, 2 at the end",
      "",
      "Ratios are measured in the same run, with interleaved repeats.",
      "",
    ]);
  });

  it("shows a goal left unmeasured as missed, with the reason", () => {
    const unmeasured = judge({ name: "throughput ratio (fault proxy / HAProxy)", value: null, unit: "ratio", goal: { op: ">=", value: 0.8 }, missing: "haproxy is not installed — run scripts/setup.sh" });
    const table = renderTable({ items: [item(2, run, [unmeasured, judge({ name: "no reason given", value: null, unit: "ms", goal: { op: "<=", value: 1 } })])] });
    expect(table.split("\n").slice(3, 5)).toEqual([
      "     throughput ratio (fault proxy / HAProxy)  —         ≥ 0.800  MISSED (not measured: haproxy is not installed — run scripts/setup.sh)",
      "     no reason given                           —         ≤ 1 ms   MISSED (not measured)",
    ]);
  });
});

describe("bench results", () => {
  it("judges a figure against its goal; without a value it misses it; without a goal it is left unjudged", () => {
    expect(judge({ name: "a", value: 0.95, unit: "ratio", goal: { op: ">=", value: 0.95 } }).pass).toBe(true);
    expect(judge({ name: "b", value: 0.949, unit: "ratio", goal: { op: ">=", value: 0.95 } }).pass).toBe(false);
    expect(judge({ name: "c", value: null, unit: "ratio", goal: { op: ">=", value: 0.95 } }).pass).toBe(false);
    expect(judge({ name: "d", value: null, unit: "ms" })).toEqual({ name: "d", value: null, unit: "ms" });
  });

  it("keeps the items not run with the date and machine of the run that measured them, in the registry's order", () => {
    const previous: BenchResults = { items: [item(1, run), item(2, run), item(3, run)] };
    const merged = mergeResults(previous, [item(3, laterRun), item(1, laterRun)], [1, 2, 3, 7]);
    expect(merged.items.map((i) => [i.id, i.generatedAt, i.machine.kernel, i.details.from])).toEqual([
      [1, laterRun.generatedAt, "6.2", laterRun.generatedAt],
      [2, run.generatedAt, "6.1", run.generatedAt],
      [3, laterRun.generatedAt, "6.2", laterRun.generatedAt],
    ]);
    expect(mergeResults(undefined, [item(7, laterRun)], [1, 7]).items.map((i) => i.id)).toEqual([7]);
  });

  it("reads a results file that gave the date and machine once for every item", () => {
    const legacy = JSON.stringify({ generatedAt: run.generatedAt, machine, items: [{ id: 2, title: "Fault proxy", figures: [], details: {} }] });
    expect(readResults(legacy)).toEqual({ items: [{ id: 2, title: "Fault proxy", figures: [], details: {}, generatedAt: run.generatedAt, machine }] });
    const current = { items: [item(1, laterRun)] };
    expect(readResults(JSON.stringify(current))).toEqual(current);
  });

  it("exits 3 when an item failed, 1 when a goal is missed or not measured, else 0", () => {
    const pass = item(1, run, [judge({ name: "a", value: 1, unit: "ratio", goal: { op: ">=", value: 0.95 } })]);
    const unmeasured = item(2, run, [judge({ name: "b", value: null, unit: "ratio", goal: { op: ">=", value: 0.8 } })]);
    const failed: ItemResult = { ...item(3, run), error: "ENOENT" };
    expect([exitCode([pass]), exitCode([pass, unmeasured]), exitCode([unmeasured, failed]), exitCode([item(4, run, [{ name: "c", value: null, unit: "s" }])])]).toEqual([0, 1, 3, 0]);
  });
});

describe("api fixture state log (ground truth)", () => {
  it("reads up/down timestamps in order, ignoring other lines", () => {
    const log = "2026-11-23T17:00:00Z state: up at 1000\nGET /work\nstate: down at 2500\nstate: up at 3600\n";
    expect(readStateLog(log)).toEqual([
      { kind: "up", at: 1000 },
      { kind: "down", at: 2500 },
      { kind: "up", at: 3600 },
    ]);
  });
});
