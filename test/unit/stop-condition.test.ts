import { describe, expect, it } from "vitest";
import { Recorder } from "../../harness/metrics/recorder.ts";
import { checkStopConditions } from "../../harness/metrics/stop-condition.ts";
import { parseStopCondition, type StopCondition } from "../../harness/specs/slo/stop-condition.ts";

const cond = (text: string): StopCondition => {
  const c = parseStopCondition(text);
  if (!c.ok) throw new Error(c.message);
  return c.value;
};

describe("stop conditions (abortWhen)", () => {
  it("holds only when the metric over the whole trailing window crosses the threshold", () => {
    const rec = new Recorder(0, { windowMs: 1_000 });
    // 0–5 s healthy (10 ok per 100 ms), then 5–8 s mostly failing (2 ok, 8 failed per 100 ms).
    for (let t = 0; t < 8_000; t += 10) rec.record("load", t, t < 5_000 || t % 100 < 20, 5);
    const c = [cond("error_rate > 50% for 2s")];
    expect(checkStopConditions(rec, "load", c, 1_500)).toBeUndefined(); // window not yet inside the load
    expect(checkStopConditions(rec, "load", c, 6_000)).toBeUndefined(); // 1 s bad of 2 s: 40%
    expect(checkStopConditions(rec, "load", c, 7_050)).toEqual({ condition: "error_rate > 50% for 2s", measured: 0.8, measuredText: "80%", at: 7_050 });
  });

  it("measures throughput and latency over the window, and ignores silence", () => {
    const rec = new Recorder(0, { windowMs: 1_000 });
    for (let t = 0; t < 3_000; t += 100) rec.record("load", t, true, t < 2_000 ? 5 : 900);
    expect(checkStopConditions(rec, "load", [cond("throughput < 5/s for 1s")], 2_000)).toBeUndefined(); // 10/s
    // The histograms keep 2 significant digits: within 1% of 900 ms.
    expect(Math.abs(checkStopConditions(rec, "load", [cond("p99 > 500ms for 1s")], 3_000)!.measured - 900)).toBeLessThan(9);
    expect(checkStopConditions(rec, "load", [cond("error_rate > 0% for 1s")], 9_000)).toBeUndefined();
  });
});
