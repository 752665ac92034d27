// What one journey does in a page: the scenario's steps, or a script module's default export
// `async (page, ctx) => {}`. Both run through `ctx.step(name, fn)`, which names where a failure happened
// and gives each step what is left of the journey's timeout.
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { UsageError } from "../contracts/errors.ts";
import { expandTargets, stepLabel, type JourneySpec, type Step } from "../specs/journeys/spec.ts";

export interface JourneyContext {
  /** Loopback URL of each target (http://127.0.0.1:PORT), by name; replicas take turns across journeys. */
  targets: Readonly<Record<string, string>>;
  /** Runs `fn` as the step `name`: a failure inside is reported at that step. */
  step<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export type JourneyFn = (page: Page, ctx: JourneyContext) => Promise<void>;

export async function journeyFn(spec: JourneySpec): Promise<JourneyFn> {
  if (spec.steps) {
    const steps = spec.steps;
    return async (page, ctx) => {
      for (const [i, step] of steps.entries()) await ctx.step(stepLabel(step, i), () => runStep(page, step, ctx.targets));
    };
  }
  const file = spec.script!;
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (e) {
    throw new UsageError(`journeys: ${spec.name}: cannot load script ${file}: ${(e as Error).message.split("\n")[0]}`);
  }
  if (typeof mod.default !== "function") {
    throw new UsageError(`journeys: ${spec.name}: ${file} must export a default function: export default async (page, ctx) => { … }`);
  }
  return mod.default as JourneyFn;
}

async function runStep(page: Page, step: Step, targets: Readonly<Record<string, string>>): Promise<void> {
  const arg = expandTargets(step.arg, targets);
  switch (step.action) {
    case "goto": {
      const res = await page.goto(arg, { waitUntil: "load" });
      // A user who gets an error page has not got the page.
      if (res && res.status() >= 400) throw new Error(`the page answered http ${res.status()}`);
      return;
    }
    case "click":
      return page.click(arg);
    case "fill":
      return page.fill(arg, expandTargets(step.value!, targets));
    case "press":
      return page.keyboard.press(arg);
    case "expectText":
      return page.getByText(arg).first().waitFor({ state: "visible" });
    case "waitFor":
      return page.locator(arg).first().waitFor({ state: "visible" });
  }
}
