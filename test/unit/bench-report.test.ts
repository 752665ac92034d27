import { describe, expect, it } from "vitest";
import { readStateLog } from "../../bench/accuracy.ts";
import { formatFigure, renderReadmeSection, renderTable, type BenchResults } from "../../bench/report.ts";

const results: BenchResults = {
  generatedAt: "2026-11-23T18:00:00.000Z",
  machine: { loadAverage: { start: 1.5, end: 2 }, cpu: "AMD EPYC", cores: 2, memoryGiB: 24, os: "Debian GNU/Linux 12 (bookworm)", kernel: "6.1", node: "v20.20.2", docker: "20.10.24" },
  items: [
    {
      id: 1,
      title: "Load overhead",
      figures: [
        { name: "throughput ratio", value: 0.9712, unit: "ratio", goal: { op: ">=", value: 0.95 }, pass: true },
        { name: "autocannon alone", value: 5123.4, unit: "req/s", note: "median of the bursts" },
      ],
      details: {},
    },
    { id: 4, title: "Recording memory", figures: [{ name: "peak RSS", value: 320, unit: "MB", goal: { op: "<", value: 300 }, pass: false }], details: {} },
    { id: 5, title: "Report rendering", figures: [], details: {}, error: "ENOENT" },
  ],
};

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

  it("writes the README section as a Markdown table", () => {
    const md = renderReadmeSection(results).split("\n");
    expect(md.slice(3)).toEqual([
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
