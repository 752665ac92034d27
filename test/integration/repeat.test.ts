// `run --repeat`, `report` and `compare` through the real command line.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { Aggregate } from "../../harness/trials/aggregate.ts";
import { readJournal, runCli, tempDir } from "./helpers.ts";

describe("repeated trials (real Docker)", () => {
  it("runs N trials with fresh targets, shows the trial number, writes each journal and the aggregate; report re-renders it", async () => {
    const out = tempDir("repeat");
    const summary = join(out, "step-summary.md");
    const r = await runCli(["run", "test/scenarios/ab-steady.yaml", "--repeat", "2", "--out", out, "--report", "json,md,html,junit"], { GITHUB_STEP_SUMMARY: summary });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/trial 1\/2/);
    expect(r.stderr).toMatch(/trial 2\/2/);
    expect(r.stdout).toMatch(/^ab-steady: PASS over 2 trial\(s\)/);
    const [one, two] = [readJournal(join(out, "trial-1")), readJournal(join(out, "trial-2"))];
    expect(one.runId).not.toBe(two.runId);
    expect(one.endedAt).toBeLessThanOrEqual(two.startedAt);
    const a: Aggregate = JSON.parse(readFileSync(join(out, "aggregate.json"), "utf8"));
    expect(a.trials.map((t) => t.dir)).toEqual(["trial-1", "trial-2"]);
    expect(a.metrics.availability).toMatchObject({ count: 2, min: Math.min(one.metrics.availability.request!, two.metrics.availability.request!) });
    expect(readFileSync(summary, "utf8")).toMatch(/^# ✅ ab-steady: PASS over 2 trial\(s\)/);

    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(readFileSync(join(out, "junit.xml"), "utf8"));
    expect([xml.testsuites.testsuite].flat().map((s: { name: string }) => s.name)).toEqual(["ab-steady trial 1", "ab-steady trial 2"]);

    writeFileSync(join(out, "report.html"), "stale");
    const again = await runCli(["report", out, "--format", "html"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.split("\n").filter(Boolean)).toEqual([join(out, "trial-1", "report.html"), join(out, "trial-2", "report.html"), join(out, "report.html")]);
    expect(readFileSync(join(out, "report.html"), "utf8")).toMatch(/<h1>ab-steady <span class="badge pass">PASS<\/span><\/h1>/);

    // Two trials of the same scenario never fail against each other; one trial a side (8 windows) may leave a
    // metric inconclusive (exit 4), which is what so few samples support.
    const same = await runCli(["compare", join(out, "trial-1"), join(out, "trial-2"), "--json"]);
    const verdict = JSON.parse(same.stdout).judgement.verdict;
    expect(verdict, same.stdout).not.toBe("fail");
    expect(same.code, same.stdout).toBe(verdict === "pass" ? 0 : 4);
  });
});

describe("report and compare: bad input", () => {
  it("names the problem and exits 2", async () => {
    const empty = tempDir("empty");
    const r = await runCli(["report", empty]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${empty}: no journal.json, trial-N/journal.json or baseline/ and canary/ folders in it\n`);
    const f = await runCli(["report", empty, "--format", "pdf"]);
    expect(f.code).toBe(2);
    expect(f.stderr).toBe("--format: unknown format pdf (valid: json, markdown, html, junit, md)\n");
    writeFileSync(join(empty, "journal.json"), "{}");
    const c = await runCli(["compare", empty, empty]);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`${join(empty, "journal.json")}: not a steadystate journal\n`);
    expect(existsSync(join(empty, "compare.json"))).toBe(false);
  });
});
