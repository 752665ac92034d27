// The error budget of the availability objective: the failures it allows over a period (the objective's
// window, such as 30 days). `error_budget_burn` reads how much of it a run used: with `errorBudget.period`,
// the share of that period's budget the run consumed; without, the period is the run itself and the figure
// is the burn rate (100 % = failing exactly as fast as the objective allows over any period).
import type { Issue } from "../../contracts/errors.ts";
import type { Spelled } from "../../contracts/issues.ts";
import { obj, positiveDuration } from "../fields.ts";
import type { Section } from "../plugin.ts";
import { splitMetric } from "./metrics.ts";

export interface ErrorBudget {
  periodMs: number;
}

/** An objective and where it sits in `slo`. */
export interface PlacedObjective {
  index: number;
  metric: string;
}

const errorBudgetSchema = obj({ period: positiveDuration });

/** `errorBudget` and the objectives that read it, checked together. */
export function validateErrorBudget(
  raw: unknown,
  slo: readonly PlacedObjective[],
  loadDurationMs: number | undefined,
  issues: Issue[],
  section: Section,
  spelled: Spelled,
): ErrorBudget | undefined {
  const burns = slo.filter((o) => splitMetric(o.metric).metric === "error_budget_burn");
  if (burns.length && !slo.some((o) => o.metric === "availability")) {
    issues.push({ path: ["slo", burns[0]!.index], message: "error_budget_burn is measured against the availability objective: add one (e.g. availability >= 99.5%)" });
  }
  if (raw === undefined) return undefined;
  if (!burns.length) {
    issues.push({ path: ["errorBudget"], message: "is read only by the error_budget_burn objective: add one to slo (e.g. error_budget_burn < 10%)", atKey: true });
  }
  const b = section(errorBudgetSchema, raw, ["errorBudget"]);
  if (!b) return undefined;
  if (loadDurationMs !== undefined && b.period < loadDurationMs) {
    issues.push({
      path: ["errorBudget", "period"],
      message: `${spelled(["errorBudget", "period"], b.period)} is shorter than the load (${spelled(["load", "duration"], loadDurationMs)}): the period is the availability objective's window, such as 30d`,
    });
  }
  return { periodMs: b.period };
}
