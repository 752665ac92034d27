// Every report format, by name (scenario `report.formats`, `--report`, `steadystate report --format`).
import { htmlReporter } from "./html/run-page.ts";
import { json } from "./json.ts";
import { junitReporter } from "./junit.ts";
import { markdown } from "./markdown.ts";
import type { Reporter } from "./reporter.ts";
import { renderTrialsHtml } from "./html/trials-page.ts";
import { renderTrialsJUnit, renderTrialsMarkdown, type TrialsReporter } from "./trials.ts";

export const reporters = { json, markdown, html: htmlReporter, junit: junitReporter } as const satisfies Record<string, Reporter>;
export type ReportFormat = keyof typeof reporters;

/** The same formats for repeated trials, written beside aggregate.json. */
export const trialsReporters = {
  json: { format: "json", file: "aggregate.json", render: (a) => JSON.stringify(a, null, 2) + "\n" },
  markdown: { format: "markdown", file: "summary.md", render: renderTrialsMarkdown },
  html: { format: "html", file: "report.html", render: renderTrialsHtml },
  junit: { format: "junit", file: "junit.xml", render: renderTrialsJUnit },
} as const satisfies Record<ReportFormat, TrialsReporter>;

/** Short names accepted wherever a format is named. */
export const formatAliases: Readonly<Record<string, ReportFormat>> = { md: "markdown" };

/** Every name a user may write, for "valid: …" lists. */
export const FORMAT_NAMES: readonly string[] = [...Object.keys(reporters), ...Object.keys(formatAliases)];

export function resolveFormat(name: string): ReportFormat | undefined {
  if (Object.hasOwn(reporters, name)) return name as ReportFormat;
  return Object.hasOwn(formatAliases, name) ? formatAliases[name] : undefined;
}
