// The report formats a scenario, `--report` and `steadystate report --format` may name, and their short
// names; each format's renderers are in reports/registry.ts, keyed by these names.

export const REPORT_FORMATS = ["json", "markdown", "html", "junit"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Short names accepted wherever a format is named. */
export const formatAliases: Readonly<Record<string, ReportFormat>> = { md: "markdown" };

/** Every name a user may write, for "valid: …" lists. */
export const FORMAT_NAMES: readonly string[] = [...REPORT_FORMATS, ...Object.keys(formatAliases)];

export function resolveFormat(name: string): ReportFormat | undefined {
  if ((REPORT_FORMATS as readonly string[]).includes(name)) return name as ReportFormat;
  return Object.hasOwn(formatAliases, name) ? formatAliases[name] : undefined;
}
