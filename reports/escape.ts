// Text from scenarios, logs and targets goes into HTML and XML only through here.
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A link to a file of the run folder: relative, each segment URI-encoded (never a scheme such as javascript:). */
export function relativeHref(path: string): string {
  return "./" + path.split("/").filter((s) => s && s !== "." && s !== "..").map(encodeURIComponent).join("/");
}
