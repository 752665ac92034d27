// `steadystate report PATH --format …`: renders the reports of a run folder again from its journals, for one
// run, repeated trials (each trial, then the aggregate) or an A/B run (both sides, then the comparison).
// Journals are only read; reports are written beside them. The JSON files (journal.json, aggregate.json,
// compare.json) are the sources, so `--format json` writes nothing and says so: rewriting them would at
// best reformat the record of the run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { COMPARISON_FILES } from "./comparison.ts";
import { comparisonHtml, comparisonMarkdown, type Comparison } from "./canary.ts";
import { aggregateTrials } from "../harness/trials/aggregate.ts";
import type { RunFolder } from "../harness/trials/folder.ts";
import { reporters, trialsReporters } from "./registry.ts";
import { chosenFormats, writeReports, writeTrialsReports } from "./write.ts";
import type { ReportFormat } from "../harness/specs/report-formats.ts";

export interface Rerendered {
  files: string[];
  /** The folder's Markdown summary, when markdown was asked for (for $GITHUB_STEP_SUMMARY). */
  markdown: string | undefined;
  /** What was asked for and not done, for the user. */
  notes: string[];
}

export const JSON_LEFT_AS_IS = "json: journal.json, aggregate.json and compare.json are what the reports are rendered from; left as they are";

export function rerender(folder: RunFolder, formats: readonly string[]): Rerendered {
  const asked = chosenFormats(formats, false);
  const rendered = renderFolder(folder, asked.filter((f) => f !== "json"));
  return { ...rendered, notes: asked.includes("json") ? [JSON_LEFT_AS_IS] : [] };
}

/** `formats`: resolved already, json left out. */
function renderFolder(folder: RunFolder, formats: readonly ReportFormat[]): Omit<Rerendered, "notes"> {
  const wantMarkdown = formats.includes("markdown");
  if (folder.kind === "run") {
    const files = writeReports(folder.journal, folder.dir, formats, true);
    return { files, markdown: wantMarkdown ? reporters.markdown.render(folder.journal) : undefined };
  }
  if (folder.kind === "trials") {
    const files = folder.trials.flatMap((t) => writeReports(t.journal, join(folder.dir, t.dir), formats, true));
    // Without aggregate.json (trials gathered by hand) the aggregate is rebuilt, without objectives.
    const aggregate = folder.aggregate ?? aggregateTrials(folder.trials, []);
    const journals = folder.trials.map((t) => t.journal);
    files.push(...writeTrialsReports(aggregate, journals, folder.dir, formats, true));
    return { files, markdown: wantMarkdown ? trialsReporters.markdown.render(aggregate, journals) : undefined };
  }
  const sides = [renderFolder(folder.baseline, formats), renderFolder(folder.canary, formats)];
  const files = sides.flatMap((s) => s.files);
  const compareFile = join(folder.dir, COMPARISON_FILES.json);
  if (!existsSync(compareFile)) return { files, markdown: sides.map((s) => s.markdown ?? "").join("\n") || undefined };
  const c = JSON.parse(readFileSync(compareFile, "utf8")) as Comparison;
  const md = comparisonMarkdown(c);
  if (wantMarkdown) files.push(write(join(folder.dir, COMPARISON_FILES.markdown), md));
  if (formats.includes("html")) files.push(write(join(folder.dir, COMPARISON_FILES.html), comparisonHtml(c)));
  return { files, markdown: wantMarkdown ? md : undefined };
}

function write(file: string, content: string): string {
  writeFileSync(file, content);
  return file;
}
