// YAML with positions, shared by the scenario and the files it imports (Compose): plain data out, and every
// problem pointed at its FILE:LINE:COL.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ScenarioError, type Issue, type Located } from "../contracts/errors.ts";

export const MAX_BYTES = 1_000_000;
const MAX_ALIASES = 100;
const TOO_DEEP = "the YAML is nested too deeply";

/** YAML with positions: the plain data, and how to point an issue's path at its line and column. */
export function readYaml(text: string, shownAs: string): { raw: unknown; locate(issue: Issue): Located } {
  const lc = new LineCounter();
  let doc: Document;
  let raw: unknown;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true, logLevel: "error" });
    if (doc.errors.length) {
      const located = doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return { file: shownAs, line: pos.line, col: pos.col, path: [], message: yamlMessage(e.message) };
      });
      // The parser reports running out of stack once per level it unwinds: one line says it.
      const firstTooDeep = located.findIndex((l) => l.message === TOO_DEEP);
      throw new ScenarioError(located.filter((l, i) => l.message !== TOO_DEEP || i === firstTooDeep));
    }
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    const message =
      e instanceof RangeError
        ? TOO_DEEP
        : /alias/i.test((e as Error).message)
          ? `too many YAML aliases (more than ${MAX_ALIASES}): refusing a possible alias bomb`
          : `invalid YAML: ${(e as Error).message}`;
    throw new ScenarioError([{ file: shownAs, line: 1, col: 1, path: [], message }]);
  }
  return { raw, locate: (issue) => locate(doc, lc, shownAs, issue) };
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

function yamlMessage(message: string): string {
  if (/maximum call stack/i.test(message)) return TOO_DEEP;
  // yaml's messages end with a copy of the source line; the location is already given.
  return `invalid YAML: ${message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`;
}

