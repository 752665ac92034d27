import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareFolders, comparisonExitCode, writeComparison } from "../../reports/comparison.ts";
import { loadJudgeConfig } from "../../harness/canary/config.ts";
import { assertNoTrials, readRunFolder } from "../../harness/trials/folder.ts";
import { JSON_LEFT_AS_IS, rerender } from "../../reports/rerender.ts";
import { makeJournal, type FixtureOptions } from "../fixtures/journal.ts";

function trialsFolder(dir: string, options: FixtureOptions[]) {
  options.forEach((o, i) => {
    mkdirSync(join(dir, `trial-${i + 1}`), { recursive: true });
    writeFileSync(join(dir, `trial-${i + 1}`, "journal.json"), JSON.stringify(makeJournal(o)));
  });
}

describe("steadystate report: rendering a run folder again", () => {
  it("renders one run's reports beside its journal and leaves the journal as it was", () => {
    const dir = mkdtempSync(join(tmpdir(), "steadystate-rerender-"));
    const journal = JSON.stringify(makeJournal({ extras: true }));
    writeFileSync(join(dir, "journal.json"), journal);
    const r = rerender(readRunFolder(dir), ["html", "junit", "md"]);
    expect(r.files).toEqual([join(dir, "report.html"), join(dir, "junit.xml"), join(dir, "summary.md")]);
    expect(readFileSync(join(dir, "journal.json"), "utf8")).toBe(journal);
    expect(r.markdown).toBe(readFileSync(join(dir, "summary.md"), "utf8"));
    expect(rerender(readRunFolder(join(dir, "journal.json")), ["html"]).markdown).toBeUndefined();
  });

  it("leaves journal.json and aggregate.json byte for byte as they were when json is asked for, and says so", () => {
    const dir = mkdtempSync(join(tmpdir(), "steadystate-rerender-"));
    trialsFolder(dir, [{ seed: 1 }, { seed: 2 }]);
    const aggregate = `{"schemaVersion":1,"kind":"trials","scenario":{"name":"fixture","file":""},"trials":[],"metrics":{},"faults":[],"slo":[],"verdict":"pass","reasons":[]}`;
    writeFileSync(join(dir, "aggregate.json"), aggregate);
    const before = ["trial-1", "trial-2"].map((t) => readFileSync(join(dir, t, "journal.json"), "utf8"));
    const r = rerender(readRunFolder(dir), ["json", "md"]);
    expect(r.notes).toEqual([JSON_LEFT_AS_IS]);
    expect(r.files.filter((f) => f.endsWith(".json"))).toEqual([]);
    expect(["trial-1", "trial-2"].map((t) => readFileSync(join(dir, t, "journal.json"), "utf8"))).toEqual(before);
    expect(readFileSync(join(dir, "aggregate.json"), "utf8")).toBe(aggregate);
    expect(rerender(readRunFolder(dir), ["md"]).notes).toEqual([]);
  });

  it("renders every trial and the aggregate (rebuilt when aggregate.json is missing)", () => {
    const dir = mkdtempSync(join(tmpdir(), "steadystate-rerender-"));
    trialsFolder(dir, [{ seed: 1 }, { seed: 2 }, { seed: 3 }]);
    const r = rerender(readRunFolder(dir), ["md", "junit"]);
    expect(r.files.filter((f) => f.startsWith(join(dir, "trial-")))).toHaveLength(6);
    expect(r.files.slice(-2)).toEqual([join(dir, "summary.md"), join(dir, "junit.xml")]);
    expect(r.markdown).toMatch(/^# ✅ fixture: PASS over 3 trial\(s\)/);
  });

  it("renders both sides of an A/B run and the comparison from compare.json", () => {
    const dir = mkdtempSync(join(tmpdir(), "steadystate-rerender-"));
    trialsFolder(join(dir, "baseline"), [{ seed: 1 }, { seed: 2 }]);
    trialsFolder(join(dir, "canary"), [{ seed: 3, latencyMs: 30 }, { seed: 4, latencyMs: 30 }]);
    const c = compareFolders(join(dir, "baseline"), join(dir, "canary"), loadJudgeConfig(undefined));
    expect(comparisonExitCode(c)).toBe(1);
    writeComparison(c, dir, ["json"]);
    expect(JSON.parse(readFileSync(join(dir, "compare.json"), "utf8")).baseline.path).toBe("baseline");
    const r = rerender(readRunFolder(dir), ["html", "md"]);
    expect(r.files.slice(-2)).toEqual([join(dir, "compare.md"), join(dir, "compare.html")]);
    expect(r.markdown).toMatch(/^## ❌ canary FAIL: score /);
    expect(readFileSync(join(dir, "compare.html"), "utf8")).toContain('<table class="comparison">');
    expect(existsSync(join(dir, "canary", "report.html"))).toBe(true);
  });

  it("refuses to compare an A/B folder as one side, saying what to do", () => {
    const dir = mkdtempSync(join(tmpdir(), "steadystate-rerender-"));
    trialsFolder(join(dir, "ab", "baseline"), [{ seed: 1 }]);
    trialsFolder(join(dir, "ab", "canary"), [{ seed: 2 }]);
    expect(() => compareFolders(join(dir, "ab"), join(dir, "ab", "canary"), loadJudgeConfig(undefined))).toThrow(
      "ab holds an A/B run: compare its baseline/ and canary/ folders, or run `steadystate report` on it",
    );
  });
});

describe("a new series of trials", () => {
  it("refuses a folder that already holds trials, so two series never mix", () => {
    const dir = mkdtempSync(join(tmpdir(), "steadystate-fresh-"));
    expect(() => assertNoTrials(join(dir, "missing"))).not.toThrow();
    trialsFolder(dir, [{ seed: 1 }, { seed: 2 }]);
    expect(() => assertNoTrials(dir)).toThrow(`${dir} already holds trial-1, trial-2: give another --out, or remove them`);
  });
});
