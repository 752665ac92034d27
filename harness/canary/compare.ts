// `steadystate compare BASELINE CANARY`: reads both run folders (one run or many trials each), judges the
// canary, and says which exit code the verdict maps to (0 pass, 1 fail, marginal as configured).
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { chosenFormats } from "../../reports/write.ts";
import { UsageError } from "../scenario/errors.ts";
import { folderJournals, readRunFolder } from "../trials/folder.ts";
import type { JudgeConfig } from "./config.ts";
import { judge } from "./judge.ts";
import { comparisonHtml, comparisonMarkdown, type Comparison } from "./render.ts";
import type { Side } from "./samples.ts";

function side(label: string, path: string): Side & { path: string } {
  const journals = folderJournals(readRunFolder(path));
  // A run cut short measured less than the other side: comparing it would judge the harness, not the canary.
  const incomplete = journals.find((j) => j.journal.verdict === "error" || j.journal.verdict === "interrupted");
  if (incomplete) throw new UsageError(`${incomplete.file}: the run did not complete (${incomplete.journal.verdict}); compare complete runs only`);
  return { label, path, journals };
}

export function compareFolders(baselinePath: string, canaryPath: string, config: JudgeConfig): Comparison {
  const baseline = side("baseline", baselinePath);
  const canary = side("canary", canaryPath);
  const info = (s: Side & { path: string }) => ({ path: s.path, trials: s.journals.length, runIds: s.journals.map((j) => j.journal.runId) });
  return { schemaVersion: 1, kind: "comparison", baseline: info(baseline), canary: info(canary), config, judgement: judge(config, { baseline, canary }) };
}

export function comparisonExitCode(c: Comparison): number {
  const v = c.judgement.verdict;
  return v === "pass" || (v === "marginal" && c.config.marginal === "pass") ? 0 : 1;
}

/**
 * compare.json into `dir`, always (it is the machine-readable verdict, and `steadystate report` renders the
 * others from it), then compare.md and compare.html when markdown and html are among the formats; paths
 * inside are made relative to `dir`. A comparison has no JUnit form.
 */
export function writeComparison(c: Comparison, dir: string, formats: readonly string[]): string[] {
  const rel = { ...c, baseline: { ...c.baseline, path: relative(dir, c.baseline.path) || "." }, canary: { ...c.canary, path: relative(dir, c.canary.path) || "." } };
  const chosen = chosenFormats(formats);
  const files: [string, string][] = [
    ["compare.json", JSON.stringify(rel, null, 2) + "\n"],
    ...(chosen.includes("markdown") ? [["compare.md", comparisonMarkdown(rel)] as [string, string]] : []),
    ...(chosen.includes("html") ? [["compare.html", comparisonHtml(rel)] as [string, string]] : []),
  ];
  return files.map(([name, content]) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  });
}
