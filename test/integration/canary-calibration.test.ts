// The canary judge on real containers: the same api on both sides must pass; a canary 30% slower, one with
// 2 more points of errors, and one that recovers from crashes 2× slower must each be caught. Trials are
// short (8 s of load, 26 s with crashes) and few; `npm run calibrate` measures the false-fail rate at length.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Comparison } from "../../reports/canary.ts";
import type { Aggregate } from "../../harness/trials/aggregate.ts";
import { leftovers, readJournal, runCli, tempDir } from "./helpers.ts";

const comparison = (dir: string): Comparison => JSON.parse(readFileSync(join(dir, "compare.json"), "utf8"));
const row = (c: Comparison, name: string) => c.judgement.metrics.find((m) => m.name === name)!;

async function ab(scenario: string, repeat: number) {
  const out = tempDir(scenario);
  const r = await runCli(["run", `test/scenarios/${scenario}.yaml`, "--ab", "--repeat", String(repeat), "--out", out]);
  expect(r.stderr).not.toMatch(/internal error/);
  return { out, r, c: comparison(out) };
}

describe("canary judge calibration (real Docker)", () => {
  it("A/A: the same api on both sides passes (exit 0), trials alternate baseline and canary", async () => {
    const { out, r, c } = await ab("ab-steady", 2);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(c.judgement.verdict).toBe("pass");
    expect(r.stdout).toMatch(/^canary PASS: score 100 /m);
    // ABAB: each trial starts after the other side's previous one ended.
    const started = (side: string, k: number) => readJournal(join(out, side, `trial-${k}`)).startedAt;
    expect(started("baseline", 1)).toBeLessThan(started("canary", 1));
    expect(started("canary", 1)).toBeLessThan(started("baseline", 2));
    expect(started("baseline", 2)).toBeLessThan(started("canary", 2));
    expect(r.stderr).toMatch(/canary trial 2\/2/);
    for (const f of ["compare.json", "compare.md", "baseline/aggregate.json", "canary/trial-2/journal.json"]) expect(existsSync(join(out, f)), f).toBe(true);
    // The scenario's formats (json, markdown by default) choose the comparison's files beside compare.json.
    expect(existsSync(join(out, "compare.html"))).toBe(false);
  });

  it("a canary with +30% latency fails on latency", async () => {
    const { r, c } = await ab("ab-latency", 2);
    expect(r.code, r.stdout).toBe(1);
    expect(c.judgement.verdict).not.toBe("pass");
    expect(row(c, "p50 (steady)").classification).toBe("high");
    expect(row(c, "p50 (steady)").effect!).toBeGreaterThan(1.1);
    expect(row(c, "p50 (steady)").shift!).toBeGreaterThan(5);
  });

  it("a canary with +2 points of errors fails on the error rate, compared as proportions", async () => {
    const { r, c } = await ab("ab-errors", 2);
    expect(r.code, r.stdout).toBe(1);
    expect(c.judgement.verdict).toBe("fail");
    expect(row(c, "error_rate (steady)")).toMatchObject({ method: "proportions", classification: "high", critical: true });
  });

  it("a canary that recovers 2× slower after crashes fails on MTTR (4 crashes × 2 trials a side)", async () => {
    const { out, r, c } = await ab("ab-crash", 2);
    expect(r.code, r.stdout).toBe(1);
    const mttr = row(c, "mttr");
    expect(mttr).toMatchObject({ classification: "high", counted: true, baseline: { n: 8 }, canary: { n: 8 } });
    expect(mttr.ci![0]).toBeGreaterThan(0);
    const base: Aggregate = JSON.parse(readFileSync(join(out, "baseline", "aggregate.json"), "utf8"));
    expect(base.slo.map((s) => [s.objective, s.pass])).toEqual([["mttr.p90 < 8s", true]]);
    expect(base.faults).toHaveLength(4);
    for (const side of ["baseline", "canary"]) {
      for (const k of [1, 2]) expect(await leftovers(readJournal(join(out, side, `trial-${k}`)).runId)).toEqual({ containers: [], networks: [] });
    }
  });
});
