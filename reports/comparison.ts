// `steadystate compare BASELINE CANARY`: reads both run folders (one run or many trials each), judges the
// canary, and says which exit code the verdict maps to (0 pass, 1 fail, 4 inconclusive).
import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { chosenFormats } from "./write.ts";
import { UsageError } from "../harness/contracts/errors.ts";
import { folderJournals, readRunFolder } from "../harness/trials/folder.ts";
import type { JudgeConfig } from "../harness/canary/config.ts";
import { judge } from "../harness/canary/judge.ts";
import { comparisonHtml, comparisonMarkdown, type Comparison } from "./canary.ts";
import type { Side } from "../harness/canary/samples.ts";

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

/** 0 pass, 1 fail, 4 inconclusive. */
export const comparisonExitCode = (c: Comparison): number => ({ pass: 0, fail: 1, inconclusive: 4 })[c.judgement.verdict];

/** A comparison's files by form (it has no JUnit form). */
export const COMPARISON_FILES = { json: "compare.json", markdown: "compare.md", html: "compare.html" } as const;
type ComparisonForm = keyof typeof COMPARISON_FILES;
const RENDER: Record<ComparisonForm, (c: Comparison) => string> = {
  json: (c) => JSON.stringify(c, null, 2) + "\n",
  markdown: comparisonMarkdown,
  html: comparisonHtml,
};

/**
 * The forms a comparison is written in: json always (it is the machine-readable verdict, and `steadystate
 * report` renders the others from it), markdown and html when among the formats.
 */
export function comparisonForms(formats: readonly string[]): ComparisonForm[] {
  const chosen = chosenFormats(formats);
  return (Object.keys(COMPARISON_FILES) as ComparisonForm[]).filter((f) => f === "json" || chosen.includes(f));
}

/** Writes the comparison into `dir` in its forms (comparisonForms); paths inside are made relative to `dir`. */
export function writeComparison(c: Comparison, dir: string, formats: readonly string[]): string[] {
  const rel = { ...c, baseline: { ...c.baseline, path: relative(dir, c.baseline.path) || "." }, canary: { ...c.canary, path: relative(dir, c.canary.path) || "." } };
  return comparisonForms(formats).map((form) => {
    const file = join(dir, COMPARISON_FILES[form]);
    writeFileSync(file, RENDER[form](rel));
    return file;
  });
}
