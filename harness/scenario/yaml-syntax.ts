// A YAML syntax error in words a user knows, at the place of the mistake. The parser reports where it
// noticed the problem (often the line above, or the end of a collection) and in its grammar's terms
// ("compact mappings", "flow-seq-start"); each error code here is turned into what the user did wrong.
import type { LineCounter, YAMLError } from "yaml";

export const TOO_DEEP = "the YAML is nested too deeply";

export interface SyntaxProblem {
  line: number;
  col: number;
  message: string;
}

/** Where the reader sees the mistake: the source, its line starts, and the parser's error. */
interface Seen {
  text: string;
  lc: LineCounter;
  error: YAMLError;
  pos: number;
}

const FLOW_CLOSER: Record<string, string> = { "{": "}", "[": "]" };

export function syntaxProblem(text: string, lc: LineCounter, error: YAMLError): SyntaxProblem {
  const seen: Seen = { text, lc, error, pos: error.pos[0] };
  const [pos, message] = bracketInPlainValue(seen) ?? plainMessage(seen) ?? [seen.pos, `invalid YAML: ${error.message.split("\n")[0]}`];
  return { ...lc.linePos(pos), message };
}

type Found = [pos: number, message: string];

function plainMessage(seen: Seen): Found | undefined {
  const { error, pos, text } = seen;
  switch (error.code) {
    case "RESOURCE_EXHAUSTION":
      return [pos, TOO_DEEP];
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY":
      return keyIndentedDeeper(seen) ?? implicitKey(seen);
    case "BAD_INDENT":
      return unclosedFlow(seen) ?? notLinedUp(seen);
    case "MISSING_CHAR":
      return unclosedQuote(seen) ?? missingChar(seen);
    case "TAB_AS_INDENT":
      return [pos, "a tab is used for indentation: YAML indents with spaces only"];
    case "DUPLICATE_KEY":
      return [pos, `key ${code(keyAt(text, pos))} is given twice in the same mapping`];
    case "MULTIPLE_DOCS":
      return [pos, "the file holds more than one YAML document: remove the `---` line"];
    case "BAD_SCALAR_START":
      return [pos, `a value cannot start with ${code(text[pos] ?? "")}: quote it`];
    case "BLOCK_IN_FLOW":
      return [pos, "a block list or mapping (on lines of its own) cannot go inside { … } or [ … ]"];
    case "BAD_DQ_ESCAPE":
      return [pos, 'a "double-quoted" value has an unknown \\ escape: use \'single quotes\' or write \\\\'];
    case "UNEXPECTED_TOKEN":
      return [pos, `unexpected ${code(text.slice(pos, Math.max(error.pos[1], pos + 1)).split("\n")[0]!)}`];
    default:
      return undefined;
  }
}

/**
 * `{ after: faults[0] }`: inside { … } or [ … ] a bracket ends the plain value it sits in, and the parser
 * then trips over whatever follows. The user wrote one value; it needs quotes.
 */
function bracketInPlainValue({ text, pos }: Seen): Found | undefined {
  const c = text[pos];
  const open = text[openerBefore(text, pos)];
  if (!c || !"[]{}".includes(c) || /[\s,[\]{}:]/.test(text[pos - 1] ?? " ") || !open) return undefined;
  const value = plainValueAround(text, pos);
  return [pos, `${code(c)} in ${code(value)} is read as YAML syntax inside ${open} … ${FLOW_CLOSER[open]}: quote it, ${JSON.stringify(value)}`];
}

/** Where the innermost { or [ still open before `pos` is, or -1. Quotes are not followed: a hint, not a parser. */
function openerBefore(text: string, pos: number): number {
  let depth = 0;
  for (let i = pos - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === "}" || c === "]") depth++;
    else if (c === "{" || c === "[") {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

/** Whether a } or ] closing what is open at `pos` comes later in the text. */
function closedAfter(text: string, pos: number): boolean {
  let depth = 0;
  for (let i = pos; i < text.length; i++) {
    const c = text[i]!;
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      if (depth === 0) return true;
      depth--;
    }
  }
  return false;
}

/** The plain value the character at `pos` is part of: back to a separator, on to a comma or closing brace. */
function plainValueAround(text: string, pos: number): string {
  let start = pos;
  while (start > 0 && !/[\s,{}[\]]/.test(text[start - 1]!)) start--;
  let end = pos + 1;
  while (end < text.length && !/[\s,}]/.test(text[end]!)) end++;
  return text.slice(start, end);
}

/**
 * A key indented deeper than the key above it (`    port: 8080` then `     restart: …`) continues that key's
 * value, which the parser then reads as a key: it reports the line above. Point at the deeper key.
 */
function keyIndentedDeeper({ text, lc, pos }: Seen): Found | undefined {
  const lines = text.split("\n");
  const at = lc.linePos(pos).line - 1;
  const above = lines[at]!;
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    if (indent(line) <= indent(above)) return undefined;
    const key = keyOf(line);
    if (key === undefined) continue;
    const sibling = keyOf(above);
    const lineUp = sibling === undefined ? "" : `: line it up with ${code(`${sibling}:`)} on line ${at + 1}`;
    return [lc.lineStarts[i]! + indent(line), `${code(`${key}:`)} is indented deeper than the keys beside it${lineUp}`];
  }
  return undefined;
}

function implicitKey({ text, lc, pos }: Seen): Found {
  const line = lineAt(text, lc, pos).trim();
  if (line.startsWith("- ")) return [pos, `a list item ${code(line)} among the keys of a mapping: put it under a key of its own`];
  if (keyOf(line) === undefined) return [pos, `${code(line)} is not \`key: value\`: a key is followed by a colon and a space`];
  return [pos, 'a value that contains ": " must be quoted'];
}

/**
 * The parser reports a { or [ left open where the next key starts: point at the opening brace, unless it
 * is closed further on and only its continuation lines sit too far left.
 */
function unclosedFlow({ text, error, pos }: Seen): Found | undefined {
  if (!/^Flow (map|sequence) in block collection/.test(error.message)) return undefined;
  const at = openerBefore(text, pos);
  const opener = text[at];
  if (!opener) return undefined;
  const closer = FLOW_CLOSER[opener]!;
  if (closedAfter(text, pos)) return [pos, `the lines inside ${opener} … ${closer} must be indented deeper than the key that holds it`];
  return [at, `${code(opener)} is never closed: add the ${code(closer)} that ends it`];
}

function notLinedUp({ text, lc, pos }: Seen): Found {
  const line = lineAt(text, lc, pos);
  const start = lc.lineStarts[lc.linePos(pos).line - 1]! + indent(line);
  const key = keyOf(line);
  const what = key !== undefined ? code(`${key}:`) : line.trimStart().startsWith("-") ? "this list item" : "this line";
  return [start, `${what} is not lined up with the ${key !== undefined ? "keys" : "items"} above it`];
}

function unclosedQuote({ text, error, pos }: Seen): Found | undefined {
  const quote = /Missing closing (["'])/.exec(error.message)?.[1];
  if (!quote) return undefined;
  const at = text.lastIndexOf(quote, pos - 1);
  return [at < 0 ? pos : at, `the quoted value is never closed: add the closing ${quote}`];
}

function missingChar({ error, pos }: Seen): Found {
  if (/between flow (sequence|map) items/.test(error.message)) return [pos, "a comma is missing between two items"];
  if (/followed by map values/.test(error.message)) return [pos, "a key needs a colon and a value after it"];
  return [pos, `invalid YAML: ${error.message.split("\n")[0]}`];
}

function lineAt(text: string, lc: LineCounter, pos: number): string {
  const start = lc.lineStarts[lc.linePos(pos).line - 1]!;
  const end = text.indexOf("\n", start);
  return text.slice(start, end < 0 ? undefined : end);
}

function keyAt(text: string, pos: number): string {
  return /^[^:\n]*/.exec(text.slice(pos))![0].trim();
}

/** The key of a `key: value` (or `key:`) line, list marker aside. */
function keyOf(line: string): string | undefined {
  return /^\s*(?:-\s+)?([^\s#:'"{[][^:#]*?):(?:\s|$)/.exec(line)?.[1];
}

const indent = (line: string) => line.length - line.trimStart().length;
const code = (text: string) => `\`${text}\``;
