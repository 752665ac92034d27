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

/** Markdown text that must stay on one line and inside one table cell (pipes escaped, newlines folded). */
export const markdownCell = (s: string) => markdownText(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
