// `run --ab` on real containers: the same api on both sides never fails, the sides alternate, the files are written.
// Whether the judge catches bad canaries (+30% latency, +2 points of errors, 2× slower recovery) on real
// containers is measured by `npm run calibrate -- --bad N`, with the false-fail rate; the judge's rules are
// unit-tested on recorded and simulated samples.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Comparison } from "../../reports/canary.ts";
import { readJournal, runCli, tempDir } from "./helpers.ts";

const comparison = (dir: string): Comparison => JSON.parse(readFileSync(join(dir, "compare.json"), "utf8"));

async function ab(scenario: string, repeat: number) {
  const out = tempDir(scenario);
  const r = await runCli(["run", `test/scenarios/${scenario}.yaml`, "--ab", "--repeat", String(repeat), "--out", out]);
  expect(r.stderr).not.toMatch(/internal error/);
  return { out, r, c: comparison(out) };
}

describe("canary judge calibration (real Docker)", () => {
  it("A/A: the same api on both sides never fails (exit 0 or 4), trials alternate baseline and canary", async () => {
    const { out, r, c } = await ab("ab-steady", 2);
    // The same image on both sides never fails; with two short trials a side a metric may still be
    // inconclusive (exit 4), which is what the data support.
    expect(c.judgement.verdict, r.stdout).not.toBe("fail");
    expect(r.code, r.stdout + r.stderr).toBe(c.judgement.verdict === "pass" ? 0 : 4);
    expect(r.stdout).toMatch(/^canary (PASS|INCONCLUSIVE): /m);
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
});
