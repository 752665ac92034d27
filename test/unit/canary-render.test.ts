import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareFolders, comparisonExitCode, writeComparison } from "../../reports/comparison.ts";
import { loadJudgeConfig, type JudgeConfig } from "../../harness/canary/config.ts";
import { comparisonMarkdown, comparisonSection, comparisonText } from "../../reports/canary.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

const config = loadJudgeConfig(undefined);
const crash = (outageMs: number) => [{ kind: "crash" as const, atMs: 10_000, outageMs }, { kind: "crash" as const, atMs: 20_000, outageMs }];

function trialsFolder(dir: string, options: FixtureOptions[]): string {
  options.forEach((o, i) => {
    mkdirSync(join(dir, `trial-${i + 1}`), { recursive: true });
    writeFileSync(join(dir, `trial-${i + 1}`, "journal.json"), JSON.stringify(makeJournal(o)));
  });
  return dir;
}

/** An A/B folder: the canary 30% slower, both sides with two crashes a trial, three trials a side. */
function abFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "steadystate-compare-"));
  trialsFolder(join(dir, "baseline"), [0, 1, 2].map((k) => ({ seed: 10 + k, latencyMs: 20, faults: crash(1_500 + 30 * k) })));
  trialsFolder(join(dir, "canary"), [0, 1, 2].map((k) => ({ seed: 20 + k, latencyMs: 26, faults: crash(1_520 + 30 * k) })));
  return dir;
}

/** The metrics that make the slower canary score 50: latency (p50, p99) fails, throughput and errors pass. */
const halfFailing = (marginal: number): JudgeConfig => ({
  ...config,
  thresholds: { pass: 95, marginal },
  metrics: config.metrics.filter((m) => ["p50 (steady)", "p99 (steady)", "throughput (steady)", "error_rate (faults)"].includes(m.name)),
});

describe("comparison reports", () => {
  const dir = abFolder();
  const c = compareFolders(join(dir, "baseline"), join(dir, "canary"), config);

  it("prints the terminal table: headline, sides, reasons, one row per metric (snapshot, folder normalised)", async () => {
    await expect(comparisonText(c).replaceAll(dir, "<dir>")).toMatchFileSnapshot("__snapshots__/compare.txt");
  });

  it("writes compare.md for a PR comment (snapshot; paths are relative to the folder)", async () => {
    writeComparison(c, dir, ["markdown"]);
    const md = readFileSync(join(dir, "compare.md"), "utf8");
    expect(md).toBe(comparisonMarkdown(JSON.parse(readFileSync(join(dir, "compare.json"), "utf8"))));
    await expect(md).toMatchFileSnapshot("__snapshots__/compare.md");
  });

  it("has one HTML row per metric with its result as a badge, and escapes the folder names", () => {
    const hostile = { ...c, baseline: { ...c.baseline, path: `<img src=x onerror=alert(1)>` } };
    const html = comparisonSection(hostile);
    expect(html).not.toContain("<img");
    expect(html).toContain("baseline &lt;img src=x onerror=alert(1)&gt; (3 trial(s))");
    const rows = html.slice(html.indexOf("<tbody>")).match(/<tr>/g) ?? [];
    expect(rows).toHaveLength(c.judgement.metrics.length);
    expect(html).toContain(`<h2>Canary against baseline <span class="badge fail">FAIL</span></h2>`);
    for (const m of c.judgement.metrics) expect(html).toContain(`<td>${m.name}${m.critical ? " *" : ""}</td>`);
  });

  it("writes compare.json always and the other files only in the chosen formats", () => {
    const out = mkdtempSync(join(tmpdir(), "steadystate-compare-out-"));
    expect(writeComparison(c, out, ["json", "junit"])).toEqual([join(out, "compare.json")]);
    expect(existsSync(join(out, "compare.md"))).toBe(false);
    expect(writeComparison(c, out, ["md", "html"])).toEqual([join(out, "compare.json"), join(out, "compare.md"), join(out, "compare.html")]);
  });
});

describe("exit code of a comparison", () => {
  const dir = abFolder();

  it("maps inconclusive to 4, fail to 1 and pass to 0", () => {
    const between = compareFolders(join(dir, "baseline"), join(dir, "canary"), halfFailing(50));
    expect(between.judgement).toMatchObject({ verdict: "inconclusive", score: 50 });
    expect(comparisonExitCode(between)).toBe(4);
    const below = compareFolders(join(dir, "baseline"), join(dir, "canary"), halfFailing(75));
    expect(below.judgement).toMatchObject({ verdict: "fail", score: 50 });
    expect(comparisonExitCode(below)).toBe(1);
    const same = compareFolders(join(dir, "baseline"), join(dir, "baseline"), config);
    expect(same.judgement.verdict).toBe("pass");
    expect(comparisonExitCode(same)).toBe(0);
  });
});
