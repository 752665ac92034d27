// Reads a scenario file: YAML with positions, then validation; every problem is reported with its
// FILE:LINE:COL, field path and the valid choices.
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { HostCapabilities } from "../faults/capabilities.ts";
import { CapabilityError, ScenarioError, UsageError } from "./errors.ts";
import { hostIssues, validateScenario, type Scenario } from "./validate.ts";
import { MAX_BYTES, readYaml } from "./yaml.ts";

export interface LoadOptions {
  /** Also refuse faults this machine cannot inject (CapabilityError, exit 3). */
  capabilities?: HostCapabilities;
}

export function loadScenario(path: string, opts: LoadOptions = {}): Scenario {
  const file = resolve(path);
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new UsageError(`${path}: the file is larger than ${MAX_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read scenario ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseScenario(text, file, displayName(file), opts);
}

/** Parses scenario text; `shownAs` is the file name used in messages. */
export function parseScenario(text: string, file: string, shownAs = file, opts: LoadOptions = {}): Scenario {
  const { raw, locate } = readYaml(text, shownAs);
  const { scenario, issues } = validateScenario(raw, file, dirname(file));
  if (issues.length || !scenario) {
    // Issues found in another file (an imported Compose file) come already located.
    const located = issues.map((i) => (i.at ? { ...i, ...i.at } : locate(i)));
    throw new ScenarioError(located.sort((a, b) => Number(a.file !== shownAs) - Number(b.file !== shownAs) || a.line - b.line || a.col - b.col));
  }
  const unable = opts.capabilities ? hostIssues(scenario, opts.capabilities) : [];
  if (unable.length) throw new CapabilityError(shownAs, unable.map(locate));
  return scenario;
}

function displayName(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}
