// Every report format's renderers, by name (the names and their aliases: harness/specs/report-formats.ts):
// a format without a renderer, or a renderer for no format, does not compile.
import { htmlReporter } from "./html/run-page.ts";
import { json } from "./json.ts";
import { junitReporter } from "./junit.ts";
import { markdown } from "./markdown.ts";
import type { Reporter } from "./reporter.ts";
import { renderTrialsHtml } from "./html/trials-page.ts";
import { renderTrialsJUnit, renderTrialsMarkdown, type TrialsReporter } from "./trials.ts";
import type { ReportFormat } from "../harness/specs/report-formats.ts";

export const reporters = { json, markdown, html: htmlReporter, junit: junitReporter } as const satisfies Record<ReportFormat, Reporter>;

/** The same formats for repeated trials, written beside aggregate.json. */
export const trialsReporters = {
  json: { format: "json", file: "aggregate.json", render: (a) => JSON.stringify(a, null, 2) + "\n" },
  markdown: { format: "markdown", file: "summary.md", render: renderTrialsMarkdown },
  html: { format: "html", file: "report.html", render: renderTrialsHtml },
  junit: { format: "junit", file: "junit.xml", render: renderTrialsJUnit },
} as const satisfies Record<ReportFormat, TrialsReporter>;
