// Reads a scenario file: YAML with positions, then validation; every problem is reported with its
// FILE:LINE:COL, field path and the valid choices.
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import { ScenarioError, UsageError, type Issue, type Located } from "./errors.ts";
import { validateScenario, type Scenario } from "./validate.ts";

const MAX_BYTES = 1_000_000;
const MAX_ALIASES = 100;

const scenarioValidator: Validate<Scenario> = (raw, file) => {
  const { scenario, issues } = validateScenario(raw, file, dirname(file));
  return { value: scenario, issues };
};

export function loadScenario(path: string): Scenario {
  return readLocatedYaml(path, "scenario", scenarioValidator);
}

/** Parses scenario text; `shownAs` is the file name used in messages. */
export function parseScenario(text: string, file: string, shownAs = file): Scenario {
  return parseLocatedYaml(text, file, shownAs, scenarioValidator);
}

export type Validate<T> = (raw: unknown, file: string) => { value?: T | undefined; issues: Issue[] };

/** Reads a YAML file (scenario, judge configuration) and validates it; every problem located. */
export function readLocatedYaml<T>(path: string, what: string, validate: Validate<T>): T {
  const file = resolve(path);
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new UsageError(`${path}: the file is larger than ${MAX_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseLocatedYaml(text, file, displayName(file), validate);
}

export function parseLocatedYaml<T>(text: string, file: string, shownAs: string, validate: Validate<T>): T {
  const lc = new LineCounter();
  let doc: Document;
  let raw: unknown;
  try {
    doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
    if (doc.errors.length) {
      throw new ScenarioError(
        doc.errors.map((e) => {
          const pos = lc.linePos(e.pos[0]);
          return { file: shownAs, line: pos.line, col: pos.col, path: [], message: yamlMessage(e.message) };
        }),
      );
    }
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    if (e instanceof ScenarioError) throw e;
    const message =
      e instanceof RangeError
        ? "the YAML is nested too deeply"
        : /alias/i.test((e as Error).message)
          ? `too many YAML aliases (more than ${MAX_ALIASES}): refusing a possible alias bomb`
          : `invalid YAML: ${(e as Error).message}`;
    throw new ScenarioError([{ file: shownAs, line: 1, col: 1, path: [], message }]);
  }
  const { value, issues } = validate(raw, file);
  if (issues.length || value === undefined) {
    const located = issues.map((i) => locate(doc, lc, shownAs, i));
    throw new ScenarioError(located.sort((a, b) => a.line - b.line || a.col - b.col));
  }
  return value;
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
  // yaml's messages end with a copy of the source line; the location is already given.
  return `invalid YAML: ${message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`;
}

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}
