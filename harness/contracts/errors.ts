// The three ways a command fails before any verdict: the scenario or the command line is wrong (exit 2),
// the machine cannot do what is asked (exit 3), or the user interrupted (exit 130).
import { closest } from "./closest.ts";

export interface Issue {
  path: (string | number)[];
  message: string;
  valid?: readonly string[];
  /** What the user wrote where `valid` lists what it could be: when a name, the closest choice is offered. */
  given?: unknown;
  /** Point at the key itself rather than its value (unknown keys). */
  atKey?: boolean;
  /** Already located, in another file than the scenario (an imported Compose file). */
  at?: { file: string; line: number; col: number };
}

export interface Located extends Issue {
  file: string;
  line: number;
  col: number;
}

/** User text inside a one-line message: quoted, escaped (newlines, control characters), shortened. */
export function quote(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** `faults[2].duration`; a key that is not a plain word is quoted: `targets.api.env["A B"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : !/^[\w-]+$/.test(p) ? `[${quote(p)}]` : i ? `.${p}` : p)).join("");
}

/** Control characters (a newline in a value a message repeats) escaped: one problem, one line. */
export const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));

export function formatLocated(e: Located): string {
  const where = e.path.length ? `${formatPath(e.path)}: ` : "";
  const valid = e.valid?.length ? ` (valid: ${e.valid.join(", ")})` : "";
  return oneLine(`${e.file}:${e.line}:${e.col}: ${where}${e.message}${didYouMean(e)}${valid}`);
}

/** ", did you mean `crash`?" when a valid choice is close to the name given; an issue at a key names the key. */
function didYouMean(e: Issue): string {
  const last = e.path[e.path.length - 1];
  const given = e.given ?? (e.atKey ? last : undefined);
  const suggestion = typeof given !== "string" || !e.valid ? undefined : closest(given, e.valid);
  return suggestion === undefined ? "" : `, did you mean \`${suggestion}\`?`;
}

/** Every problem found in one scenario file, reported together. */
export class ScenarioError extends Error {
  readonly exitCode = 2;
  constructor(readonly issues: Located[]) {
    super(issues.map(formatLocated).join("\n"));
    this.name = "ScenarioError";
  }
}

export class UsageError extends Error {
  readonly exitCode = 2;
  override name = "UsageError";
}

/** The harness or the machine cannot do the job; `fix` tells the user what to do. */
export class InfraError extends Error {
  readonly exitCode = 3;
  override name = "InfraError";
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** The scenario is valid but this machine lacks what some of its faults need (exit 3, like any infra error). */
export class CapabilityError extends InfraError {
  override name = "CapabilityError";
  constructor(
    readonly file: string,
    readonly issues: Located[],
  ) {
    super(
      `${file}: this machine cannot inject ${issues.length} fault(s):\n${issues.map((i) => `  ${formatLocated(i)}`).join("\n")}`,
      "run `steadystate doctor` to see what this machine has and how to add what is missing",
    );
  }
}

export class InterruptedError extends Error {
  readonly exitCode = 130;
  override name = "InterruptedError";
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}
