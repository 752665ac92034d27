// YAML with positions, shared by the scenario and the files it imports (Compose): plain data out, and every
// problem pointed at its FILE:LINE:COL.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ScenarioError, type Issue, type Located } from "../contracts/errors.ts";
import { syntaxProblem, TOO_DEEP } from "./yaml-syntax.ts";

export const MAX_BYTES = 1_000_000;
const MAX_ALIASES = 100;

/** YAML with positions: the plain data, and how to point an issue's path at its line and column. */
export function readYaml(text: string, shownAs: string): { raw: unknown; locate(issue: Issue): Located } {
  const lc = new LineCounter();
  let doc: Document;
  let raw: unknown;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: "error" });
    // Only the first syntax error: the parser's recovery from it makes up the ones after (an unquoted
    // bracket in a flow mapping gives one per token to the end of the file).
    const first = doc.errors[0];
    if (first) throw new ScenarioError([{ file: shownAs, path: [], ...syntaxProblem(text, lc, first) }]);
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    throw new ScenarioError([{ file: shownAs, path: [], ...thrownProblem(e as Error, text, lc) }]);
  }
  return { raw, locate: (issue) => locate(doc, lc, shownAs, issue) };
}

/** What building the data threw; only an unknown alias can be placed, by its name. */
function thrownProblem(e: Error, text: string, lc: LineCounter): { line: number; col: number; message: string } {
  if (e instanceof RangeError) return { line: 1, col: 1, message: TOO_DEEP };
  if (/excessive alias count/i.test(e.message)) {
    return { line: 1, col: 1, message: `too many YAML aliases (more than ${MAX_ALIASES}): refusing a possible alias bomb` };
  }
  const alias = /^Unresolved alias.*: \*?(\S+)$/.exec(e.message)?.[1];
  if (alias) return { ...lc.linePos(Math.max(0, text.indexOf(`*${alias}`))), message: `\`*${alias}\` names no anchor: set \`&${alias}\` on a value above it` };
  return { line: 1, col: 1, message: `invalid YAML: ${e.message}` };
}

function locate(doc: Document, lc: LineCounter, file: string, issue: Issue): Located {
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (let i = 0; i < issue.path.length; i++) {
    const seg = issue.path[i];
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      const last = i === issue.path.length - 1;
      if ((last && issue.atKey) || pair.value === null) {
        best = pair.key as Node;
        break;
      }
      node = pair.value;
      best = pair.value as Node;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg]) {
      node = node.items[seg];
      best = node as Node;
    } else break;
  }
  const { line, col } = lc.linePos(best?.range?.[0] ?? 0);
  return { ...issue, file, line, col };
}

