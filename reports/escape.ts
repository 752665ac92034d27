// Text from scenarios, logs and targets goes into HTML, XML and Markdown only through here.
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A link to a file of the run folder: relative, each segment URI-encoded (never a scheme such as javascript:). */
export function relativeHref(path: string): string {
  return "./" + path.split("/").filter((s) => s && s !== "." && s !== "..").map(encodeURIComponent).join("/");
}

// Markdown renders inline HTML: text from the scenario or from errors is escaped so it shows as text (a
// tag or an entity needs "<" or "&"; ">" alone stays readable, as in "availability >= 95%").
const markdownText = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/**
 * Markdown text that must stay on one line and inside one table cell: backslashes and pipes escaped (a pipe
 * after a backslash of the text would otherwise end the cell, or lose the backslash), newlines folded.
 */
export const markdownCell = (s: string) => markdownText(s).replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");

/**
 * Text as a Markdown code span, shown exactly as written (what a reader copies): the fence is one backtick
 * longer than the longest run of backticks inside, padded with a space when the text starts or ends with a
 * backtick or a space (CommonMark strips one space each side); newlines folded.
 */
export function markdownCode(s: string): string {
  const text = s.replace(/\r?\n|\r/g, " ");
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  const pad = /^[`\s]|[`\s]$/.test(text) ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}
