// Every report format, by name (scenario `report.formats`, `--report`).
import { json } from "./json.ts";
import { markdown } from "./markdown.ts";
import type { Reporter } from "./reporter.ts";

export const reporters = { json, markdown } as const satisfies Record<string, Reporter>;
export type ReportFormat = keyof typeof reporters;
