// Writes the journal and the chosen reports into the run folder; the journal is always written.
import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Journal } from "../harness/contracts/journal.ts";
import type { Aggregate } from "../harness/trials/aggregate.ts";
import { reporters, trialsReporters } from "./registry.ts";
import { resolveFormat, type ReportFormat } from "../harness/specs/report-formats.ts";

/** Formats by name (aliases resolved, duplicates dropped), json first unless left out. */
export function chosenFormats(formats: readonly string[], withJson = true): ReportFormat[] {
  return [...new Set([...(withJson ? ["json"] : []), ...formats].map(resolveFormat).filter((f): f is ReportFormat => f !== undefined))];
}

/** `rerender`: the journal is the source and stays as it is (`steadystate report`). */
export function writeReports(journal: Journal, dir: string, formats: readonly string[], rerender = false): string[] {
  const list = chosenFormats(formats, !rerender).map((f) => reporters[f]);
  for (const r of list) journal.files[r.format] = r.file;
  return list.map((r) => {
    const file = join(dir, r.file);
    writeFileSync(file, r.render(journal));
    return file;
  });
}

/** The reports of repeated trials, beside their folders; aggregate.json is always written. */
export function writeTrialsReports(aggregate: Aggregate, trials: Journal[], dir: string, formats: readonly string[], rerender = false): string[] {
  return chosenFormats(formats, !rerender).map((f) => {
    const r = trialsReporters[f];
    const file = join(dir, r.file);
    writeFileSync(file, r.render(aggregate, trials));
    return file;
  });
}

/** GitHub Actions shows Markdown appended to the file named by $GITHUB_STEP_SUMMARY on the run's page. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return undefined;
  appendFileSync(file, markdown.endsWith("\n") ? markdown + "\n" : markdown + "\n\n");
  return file;
}
