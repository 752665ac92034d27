// `journeys[]`: browser journeys, as steps (goto, click, fill, press, expectText, waitFor) or a script
// exporting `async (page, ctx) => {}`. Bounded: a few browser contexts in all (they share the CPU with the
// targets), each journey ends by its timeout, and pages only reach the run's own targets on loopback.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { Issue } from "../../contracts/errors.ts";
import { int, name, obj, positiveDuration } from "../fields.ts";
import type { Path } from "../../contracts/issues.ts";

/** Browser contexts over all journeys: each costs a Chromium renderer on a 2-core machine. */
export const MAX_BROWSERS = 4;
export const STEP_ACTIONS = ["goto", "click", "fill", "press", "expectText", "waitFor"] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];

export interface Step {
  action: StepAction;
  /** URL (goto), selector (click, fill, waitFor), key (press) or text (expectText); may hold {{targets.NAME}}. */
  arg: string;
  /** fill: the text typed. */
  value?: string;
}

const text = z.string().min(1).optional();

const stepSchema = obj({ goto: text, click: text, fill: text, value: z.string().optional(), press: text, expectText: text, waitFor: text })
  .superRefine((s, ctx) => {
    const actions = STEP_ACTIONS.filter((a) => s[a] !== undefined);
    if (actions.length === 0) ctx.addIssue({ code: "custom", message: `a step needs one action: ${STEP_ACTIONS.join(", ")}` });
    if (actions.length > 1) ctx.addIssue({ code: "custom", message: `one action per step, not ${actions.join(" and ")}` });
    if (s.fill !== undefined && s.value === undefined) ctx.addIssue({ code: "custom", path: ["value"], message: "is required with fill: the text to type" });
    if (s.fill === undefined && s.value !== undefined) ctx.addIssue({ code: "custom", path: ["value"], message: "goes with fill only" });
  })
  .transform((s): Step => {
    const action = STEP_ACTIONS.find((a) => s[a] !== undefined)!;
    return { action, arg: s[action]!, ...(s.value === undefined ? {} : { value: s.value }) };
  });

export const journeySchema = obj({
  name,
  browsers: int(1, MAX_BROWSERS).default(1),
  every: positiveDuration.default(2_000),
  timeout: positiveDuration.default(10_000),
  steps: z.array(stepSchema).min(1).max(50).optional(),
  script: z.string().min(1).optional(),
  hypothesis: z.boolean().default(true),
})
  .refine((j) => (j.steps === undefined) !== (j.script === undefined), {
    message: "give steps (a list of actions) or script (a module exporting async (page, ctx) => {}), one of them",
  })
  .transform(({ every, timeout, ...rest }) => ({ ...rest, everyMs: every, timeoutMs: timeout }));

export type JourneySpec = z.output<typeof journeySchema>;

const TEMPLATE = /\{\{\s*targets\.([^}\s]+)\s*\}\}/g;

/** Replaces `{{targets.NAME}}` with the target's loopback URL (http://127.0.0.1:PORT, no trailing slash). */
export function expandTargets(text: string, urls: Readonly<Record<string, string>>): string {
  return text.replace(TEMPLATE, (_, target: string) => urls[target] ?? "");
}

/** Human label of a step, also the failure reason of a journey that stopped there. */
export function stepLabel(step: Step, index: number): string {
  return `steps[${index}] ${step.action} ${JSON.stringify(step.arg)}`;
}

const LOOPBACK_URL = /^(\{\{\s*targets\.[^}\s]+\s*\}\}|https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$))/;

/**
 * Checks across journeys, on the raw values so that they are reported even when a journey has other
 * errors: unique names, the browser budget, known targets, loopback-only pages, script files.
 */
export function checkJourneys(raw: unknown, targetNames: readonly string[], dir: string): Issue[] {
  const issues: Issue[] = [];
  const list = Array.isArray(raw) ? raw : [];
  const seen = new Set<string>();
  let browsers = 0;
  list.forEach((j: unknown, i) => {
    if (j === null || typeof j !== "object") return;
    const { name, browsers: n, steps, script } = j as Record<string, unknown>;
    const at: Path = ["journeys", i];
    if (typeof name === "string" && seen.has(name)) issues.push({ path: [...at, "name"], message: `journey name "${name}" is used twice` });
    if (typeof name === "string") seen.add(name);
    browsers += typeof n === "number" ? n : 1;
    (Array.isArray(steps) ? steps : []).forEach((step: unknown, k) => {
      if (step === null || typeof step !== "object") return;
      for (const [key, value] of Object.entries(step)) {
        if (typeof value !== "string") continue;
        for (const m of value.matchAll(TEMPLATE)) {
          if (!targetNames.includes(m[1]!)) issues.push({ path: [...at, "steps", k, key], message: `unknown target "${m[1]}" in {{targets.${m[1]}}}`, valid: targetNames, given: m[1]! });
        }
        if (key === "goto" && !LOOPBACK_URL.test(value)) {
          issues.push({ path: [...at, "steps", k, key], message: "journeys only visit the run's targets: start the URL with {{targets.NAME}} (or http://127.0.0.1:PORT)" });
        }
      }
    });
    if (typeof script === "string" && script) {
      const file = resolve(dir, script);
      if (!existsSync(file) || !statSync(file).isFile()) issues.push({ path: [...at, "script"], message: `file ${file} does not exist` });
    }
  });
  if (browsers > MAX_BROWSERS) {
    issues.push({ path: ["journeys"], message: `${browsers} browsers in all is more than ${MAX_BROWSERS}: each is a Chromium renderer sharing the CPU with the targets` });
  }
  return issues;
}
