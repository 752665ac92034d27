import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareFolders, comparisonExitCode, writeComparison } from "../../reports/comparison.ts";
import { loadJudgeConfig, type JudgeConfig } from "../../harness/canary/config.ts";
import { comparisonHtml, comparisonMarkdown, comparisonSection, comparisonText, type Comparison } from "../../reports/canary.ts";
import type { MetricResult } from "../../harness/canary/judge.ts";
import { markdownCode } from "../../reports/escape.ts";
import { mdTable } from "../../reports/markdown.ts";
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

  it("has the line to paste under the table: in the terminal, in Markdown (in backticks) and in HTML", () => {
    const paste = `canary fail: ${c.judgement.because}`;
    expect(comparisonText(c)).toContain(`* critical: its failure fails the canary whatever the score\nPaste: ${paste}\n`);
    expect(comparisonMarkdown(c).endsWith(`\n\nPaste: \`${paste}\`\n`)).toBe(true);
    expect(comparisonSection(c)).toContain(`<p class="paste">Paste: <code>${paste}</code></p>`);
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

/** The fixture's comparison with metrics replaced: the numbers each test needs, the rest as judged. */
function withMetrics(c: Comparison, metrics: MetricResult[]): Comparison {
  return { ...c, judgement: { ...c.judgement, metrics } };
}

describe("forest plot of a comparison", () => {
  const dir = abFolder();
  const c = compareFolders(join(dir, "baseline"), join(dir, "canary"), config);
  const byName = (name: string) => c.judgement.metrics.find((m) => m.name === name)!;
  const svgOf = (html: string) => html.slice(html.indexOf("<svg"), html.indexOf("</svg>") + 6);
  const rowsOf = (svg: string) => svg.match(/<g class="forest-row [a-z]+" data-metric="[^"]*">[\s\S]*?<\/g>/g) ?? [];

  it("stands above the table in compare.html: one row per metric, a bar for each metric with an interval, `no data` text otherwise", () => {
    const html = comparisonHtml(c);
    expect(html.indexOf('<svg class="chart forest"')).toBeGreaterThan(0);
    expect(html.indexOf('<svg class="chart forest"')).toBeLessThan(html.indexOf('<table class="comparison">'));
    const rows = rowsOf(svgOf(html));
    expect(rows).toHaveLength(c.judgement.metrics.length);
    const withInterval = c.judgement.metrics.filter((m) => m.ci);
    expect(withInterval.length).toBe(9);
    expect(rows.filter((r) => r.includes('<line class="ci"'))).toHaveLength(withInterval.length);
    expect(rows.at(-1)).toContain('<g class="forest-row nodata" data-metric="mttd">');
    expect(rows.at(-1)).toContain(">no data</text>");
    expect(rows[0]).toContain('<g class="forest-row high" data-metric="p50 (steady)">');
    expect(rows[5]).toContain('<g class="forest-row pass" data-metric="throughput (steady)">');
    expect(svgOf(html)).toContain("(canary − baseline) ÷ the row&#39;s margin: the margin is at ±1");
  });

  it("draws each row divided by its margin, the margin band on the bad side, and writes the real numbers beside it", () => {
    // x = 400 + 100 × value / margin: the axis spans ±2 margins over 200..600.
    const up = { ...byName("p50 (steady)"), shift: 2, ci: [1, 3] as [number, number], marginValue: 2 };
    const down = { ...byName("throughput (steady)"), shift: -10, ci: [-30, 10] as [number, number], marginValue: 20, classification: "inconclusive" as const };
    const either = { ...byName("p99 (steady)"), direction: "either" as const, shift: -1, ci: [-2, 0] as [number, number], marginValue: 4, classification: "pass" as const };
    const rows = rowsOf(svgOf(comparisonSection(withMetrics(c, [up, down, either]))));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('<rect class="margin-band" x="400" y="13" width="100" height="20"/>');
    expect(rows[0]).toContain('<line class="margin-edge" x1="500" x2="500" y1="13" y2="33"/>');
    expect(rows[0]).toContain('<line class="ci" x1="450" x2="550" y1="23" y2="23">');
    expect(rows[0]).toContain('<circle class="estimate" cx="500" cy="23" r="4"/>');
    expect(rows[0]).toContain(">[+1ms, +3ms] vs margin +2ms</text>");
    expect(rows[1]).toContain('<g class="forest-row inconclusive" data-metric="throughput (steady)">');
    expect(rows[1]).toContain('<rect class="margin-band" x="300" y="39" width="100" height="20"/>');
    expect(rows[1]).toContain('<line class="ci" x1="250" x2="450" y1="49" y2="49">');
    expect(rows[1]).toContain('<circle class="estimate" cx="350" cy="49" r="4"/>');
    expect(rows[1]).toContain(">[-30/s, +10/s] vs margin -20/s</text>");
    expect(rows[2]).toContain('<rect class="margin-band" x="300" y="65" width="200" height="20"/>');
    expect(rows[2]!.match(/class="margin-edge"/g)).toHaveLength(2);
    expect(rows[2]).toContain('<line class="ci" x1="350" x2="400" y1="75" y2="75">');
  });

  it("cuts an interval far beyond the margin at the axis's end (10 margins) and marks it", () => {
    // x = 400 + 20 × value / margin: the axis spans ±10 margins over 200..600.
    const far = { ...byName("p50 (steady)"), shift: 40, ci: [16, 50] as [number, number], marginValue: 2 };
    const svg = svgOf(comparisonSection(withMetrics(c, [far])));
    expect(svg).toContain('<line class="ci" x1="560" x2="600" y1="23" y2="23" data-clipped="high">');
    expect(svg).toContain('<circle class="estimate" cx="600" cy="23" r="4"/>');
    expect(svg).toContain('<path class="clip" d="M600,23l-6,-4v8z"/>');
    expect(svg).toContain(">+10</text>");
  });

  it("escapes a hostile metric name and hostile folders in the SVG", () => {
    const hostileName = `<script>alert(1)</script>" onload="x`;
    const hostile: Comparison = {
      ...withMetrics(c, [{ ...byName("p50 (steady)"), name: hostileName }]),
      baseline: { ...c.baseline, path: `"><img src=x onerror=alert(1)>` },
      canary: { ...c.canary, path: "</desc><svg onload=alert(2)>" },
    };
    const svg = svgOf(comparisonHtml(hostile));
    expect(svg).not.toMatch(/<script|<img|<svg onload|" onload=/);
    expect(svg).toContain('data-metric="&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x"');
    expect(svg).toContain(">&lt;script&gt;alert(1)&lt;/script&gt;&quot; onload=&quot;x</text>");
    expect(svg).toContain("canary &lt;/desc&gt;&lt;svg onload=alert(2)&gt; against baseline &quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("inconclusive comparisons", () => {
  const dir = abFolder();
  const c = compareFolders(join(dir, "baseline"), join(dir, "canary"), halfFailing(50));

  it("have the inconclusive badge (amber), for the verdict and for an inconclusive metric; no stale marginal style", () => {
    const open = { ...c.judgement.metrics[0]!, classification: "inconclusive" as const, moreSamples: 12 };
    const html = comparisonHtml(withMetrics(c, [open, ...c.judgement.metrics.slice(1)]));
    expect(c.judgement.verdict).toBe("inconclusive");
    expect(html).toContain(`<h2>Canary against baseline <span class="badge inconclusive">INCONCLUSIVE</span></h2>`);
    expect(html).toContain(`<td><span class="badge inconclusive">inconclusive</span></td>`);
    expect(html).toContain(".badge.inconclusive { background: var(--warn); }");
    expect(html).not.toContain("marginal");
  });

  it("say how many more samples, and about how many more trials, a side would decide an open metric", () => {
    // p50 (steady): 30 windows over 3 trials a side, 10 a trial; error_rate (faults): 12000 requests over 3 trials.
    const windows = { ...c.judgement.metrics[0]!, classification: "inconclusive" as const, moreSamples: 12 };
    const requests = { ...c.judgement.metrics.find((m) => m.name === "error_rate (faults)")!, classification: "inconclusive" as const, moreSamples: 8001 };
    const unknown = { ...c.judgement.metrics[1]!, classification: "inconclusive" as const, moreSamples: null };
    const open = withMetrics(c, [windows, requests, unknown]);
    const text = comparisonText(open);
    expect(text).toContain("+12 windows (~2 trial(s)) a side");
    expect(text).toContain("+8001 requests (~3 trial(s)) a side");
    expect(text).toMatch(/inconclusive +no estimate +/);
    expect(comparisonMarkdown(open)).toContain("| inconclusive | +12 windows (~2 trial(s)) a side |");
    expect(comparisonSection(open)).toContain("<td>+12 windows (~2 trial(s)) a side</td>");
  });
});

describe("Markdown of a comparison", () => {
  it("keeps a table valid when a cell holds a pipe, also after a backslash", () => {
    const t = mdTable(["a", "b"], [["x | y", "back\\|slash"]]);
    expect(t.split("\n")[2]).toBe("| x \\| y | back\\\\\\|slash |");
  });

  it("writes the paste line as a code span that holds backticks", () => {
    expect(markdownCode("canary fail: critical mttr higher")).toBe("`canary fail: critical mttr higher`");
    expect(markdownCode("a `b` c")).toBe("``a `b` c``");
    expect(markdownCode("`x``")).toBe("``` `x`` ```");
    expect(markdownCode("two\nlines")).toBe("`two lines`");
  });

  it("escapes a hostile folder and reason in the headline, the reasons and the paths", () => {
    const dir = abFolder();
    const c = compareFolders(join(dir, "baseline"), join(dir, "canary"), config);
    const hostile: Comparison = {
      ...c,
      baseline: { ...c.baseline, path: "base`line" },
      judgement: { ...c.judgement, because: "x <img src=y> `z`", reasons: ["<b>r</b>"] },
    };
    const md = comparisonMarkdown(hostile);
    expect(md).toContain("## ❌ canary FAIL: x &lt;img src=y> `z`\n");
    expect(md).toContain("Baseline ``base`line`` (3 trial(s))");
    expect(md).toContain("- &lt;b>r&lt;/b>\n");
    expect(md).toContain("Paste: `` canary fail: x <img src=y> `z` ``\n");
  });
});
