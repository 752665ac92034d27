// Reads a scenario file (or any YAML the harness takes, such as a judge configuration): YAML with
// positions, then validation; every problem is reported with its FILE:LINE:COL, field path and the valid
// choices.
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { HostCapabilities } from "../specs/faults/capabilities.ts";
import type { RuleChecker } from "../specs/detect/rules.ts";
import { CapabilityError, ScenarioError, UsageError, type Issue, type Located } from "../contracts/errors.ts";
import { hostIssues } from "./fault-section.ts";
import { validateScenario } from "./validate.ts";
import { MAX_BYTES, readYaml } from "./yaml.ts";
import type { Scenario } from "./scenario.ts";
export interface LoadOptions {
  /** Also refuse faults this machine cannot inject (CapabilityError, exit 3). */
  capabilities?: HostCapabilities;
  /** Checks rule files beyond reading them (the CLI passes promtool). */
  checkRules?: RuleChecker;
}

export type Validate<T> = (raw: unknown, file: string) => { value?: T | undefined; issues: Issue[] };

const scenarioValidator =
  (checkRules?: RuleChecker): Validate<Scenario> =>
  (raw, file) => {
    const { scenario, issues } = validateScenario(raw, file, dirname(file), checkRules);
    return { value: scenario, issues };
  };

export function loadScenario(path: string, opts: LoadOptions = {}): Scenario {
  const { file, text } = readText(path, "scenario");
  return parseScenario(text, file, displayName(file), opts);
}

/** Parses scenario text; `shownAs` is the file name used in messages. */
export function parseScenario(text: string, file: string, shownAs = file, opts: LoadOptions = {}): Scenario {
  const { value: scenario, locate } = parseLocated(text, file, shownAs, scenarioValidator(opts.checkRules));
  const unable = opts.capabilities ? hostIssues(scenario, opts.capabilities) : [];
  if (unable.length) throw new CapabilityError(shownAs, unable.map(locate));
  return scenario;
}

/** Reads a YAML file (scenario, judge configuration) and validates it; every problem located. */
export function readLocatedYaml<T>(path: string, what: string, validate: Validate<T>): T {
  const { file, text } = readText(path, what);
  return parseLocatedYaml(text, file, displayName(file), validate);
}

export function parseLocatedYaml<T>(text: string, file: string, shownAs: string, validate: Validate<T>): T {
  return parseLocated(text, file, shownAs, validate).value;
}

function parseLocated<T>(text: string, file: string, shownAs: string, validate: Validate<T>): { value: T; locate(issue: Issue): Located } {
  const { raw, locate } = readYaml(text, shownAs);
  const { value, issues } = validate(raw, file);
  if (issues.length || value === undefined) {
    // Issues found in another file (an imported Compose file) come already located.
    const located = issues.map((i) => (i.at ? { ...i, ...i.at } : locate(i)));
    throw new ScenarioError(located.sort((a, b) => Number(a.file !== shownAs) - Number(b.file !== shownAs) || a.line - b.line || a.col - b.col));
  }
  return { value, locate };
}

function readText(path: string, what: string): { file: string; text: string } {
  const file = resolve(path);
  try {
    if (statSync(file).size > MAX_BYTES) throw new UsageError(`${path}: the file is larger than ${MAX_BYTES} bytes`);
    return { file, text: readFileSync(file, "utf8") };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}
