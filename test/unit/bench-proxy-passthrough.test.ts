import { describe, expect, it } from "vitest";
import { measured, type Repeat } from "../../bench/proxy-passthrough.ts";

const repeats: Repeat[] = [
  {
    direct: { p50Ms: 0.3, p99Ms: 1, rps: 20_000, downloadMBps: 400 },
    proxy: { p50Ms: 0.4, p99Ms: 1.5, rps: 16_000, cpuUsPerRequest: 30, downloadMBps: 300 },
    haproxy: { p50Ms: 0.35, p99Ms: 1.2, rps: 18_000, cpuUsPerRequest: 25, downloadMBps: 360 },
    http: { p50Ms: 0.8, p99Ms: 3, rps: 5_000, cpuUsPerRequest: 200 },
  },
  {
    direct: { p50Ms: 0.25, p99Ms: 0.8, rps: 22_000, downloadMBps: 500 },
    proxy: { p50Ms: 0.33, p99Ms: 1, rps: 17_600, cpuUsPerRequest: 28, downloadMBps: 350 },
    haproxy: { p50Ms: 0.3, p99Ms: 0.9, rps: 20_000, cpuUsPerRequest: 20, downloadMBps: 400 },
    http: { p50Ms: 0.7, p99Ms: 2.5, rps: 5_500, cpuUsPerRequest: 190 },
  },
  {
    direct: { p50Ms: 0.5, p99Ms: 2, rps: 10_000, downloadMBps: 300 },
    proxy: { p50Ms: 0.7, p99Ms: 2.2, rps: 9_000, cpuUsPerRequest: 40, downloadMBps: 270 },
    haproxy: { p50Ms: 0.52, p99Ms: 2.4, rps: 9_000, cpuUsPerRequest: 32, downloadMBps: 330 },
    http: { p50Ms: 1, p99Ms: 3.5, rps: 3_000, cpuUsPerRequest: 210 },
  },
];

const values = (r: ReturnType<typeof measured>) => r.figures.map((f) => [f.name.trim(), f.value]);

describe("bench item 2: figures of the repeats", () => {
  it("takes the median over the repeats of each repeat's difference or ratio", () => {
    expect(values(measured(repeats, "/usr/sbin/haproxy"))).toEqual([
      ["throughput ratio (fault proxy / HAProxy), median of 3 repeats", 0.889],
      ["added p50 latency (fault proxy − direct)", 0.1],
      ["added p99 latency (fault proxy − direct)", 0.2],
      ["added p50 latency (HAProxy − direct)", 0.05],
      ["added p99 latency (HAProxy − direct)", 0.2],
      ["direct: throughput", 20_000],
      ["throughput ratio (fault proxy / direct)", 0.8],
      ["throughput ratio (HAProxy / direct)", 0.9],
      ["CPU per request ratio (fault proxy / HAProxy)", 1.25],
      ["32 MB download ratio, one connection (fault proxy / HAProxy)", 0.833],
      ["32 MB download ratio (fault proxy / direct)", 0.75],
      ["added p50 latency (fault proxy with HTTP layer − direct)", 0.5],
      ["throughput ratio (fault proxy with HTTP layer / direct)", 0.25],
    ]);
  });

  it("keeps the spread of a goal's repeats in its note", () => {
    const [throughput, p50] = measured(repeats, "/usr/sbin/haproxy").figures;
    expect(throughput).toMatchObject({ goal: { op: ">=", value: 0.8 } });
    expect(throughput!.note).toBe("the middle half of the repeats lies between 0.884 and 0.944 (all: 0.88–1); closed loop, 32 connections, 1 s per path");
    expect(p50).toMatchObject({ goal: { op: "<=", value: 0.2 } });
    expect(p50!.note).toBe(
      "the middle half of the repeats lies between 0.09 ms and 0.15 ms (all: 0.08–0.2 ms); 250 requests paced at 500/s on one kept-alive connection per path and repeat",
    );
  });

  it("without haproxy, leaves its figures empty and says on its goal how to install it, once", () => {
    const alone = repeats.map(({ haproxy: _, ...rest }) => rest);
    const r = measured(alone, undefined);
    expect(r.figures.filter((f) => f.value === null).map((f) => f.name.trim())).toEqual([
      "throughput ratio (fault proxy / HAProxy), median of 3 repeats",
      "added p50 latency (HAProxy − direct)",
      "added p99 latency (HAProxy − direct)",
      "throughput ratio (HAProxy / direct)",
      "CPU per request ratio (fault proxy / HAProxy)",
      "32 MB download ratio, one connection (fault proxy / HAProxy)",
    ]);
    expect(r.figures.filter((f) => f.missing).map((f) => [f.name.trim(), f.goal, f.missing])).toEqual([
      ["throughput ratio (fault proxy / HAProxy), median of 3 repeats", { op: ">=", value: 0.8 }, "haproxy is not installed — run scripts/setup.sh"],
    ]);
    expect(r.figures[1]!.value).toBe(0.1);
    expect(r.details.haproxy).toBeNull();
  });
});
