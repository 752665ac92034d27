// What a data check kind declares for validation: its name, a one-line summary, its parameters and what
// they ask of the target. Its runtime (harness/checks/) writes during the load and verifies after recovery.
import type { z } from "zod";

/** Keys every check has, whatever its kind (the kind's own params sit beside them). */
export interface CheckBase {
  kind: string;
  target: string;
}

/** A check of the scenario: its kind's parameters and where it sits in `checks`. */
export type CheckSpec = CheckBase & Record<string, unknown> & { index: number };

/** What a check kind may ask of its target at validation (a scenario target has these and more). */
export interface CheckedTarget {
  name: string;
  url?: string;
  container?: string;
  volumes: Readonly<Record<string, string>>;
}

export interface CheckKindSpec<P extends object = Record<string, unknown>> {
  kind: string;
  /** One line for docs and the "valid kinds" list. */
  summary: string;
  /** The whole item, `kind` and `target` included (strict: unknown keys are errors). */
  params: z.ZodType<P & CheckBase>;
  describe(p: P & CheckBase): string;
  /** What the parameters ask of the target (a drill needs one the run creates); a problem at `checks[i].KEY`. */
  checkTarget?(p: P & CheckBase, target: CheckedTarget): { key: string; message: string } | undefined;
}
