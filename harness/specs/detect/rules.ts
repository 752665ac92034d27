// The user's Prometheus rule files, checked before anything runs: the alert names they define, so that
// `expect` and `heal` can be checked against them, and what the caller's rule checker finds (the CLI passes
// `promtool check rules`, harness/detect/promtool.ts: the same parser Prometheus uses; a spec runs no program).
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface RuleFileCheck {
  alerts: string[];
  /** One line per problem, without the file name (the caller locates it). */
  problems: string[];
}

/** A checker of rule files: one line per problem. */
export type RuleChecker = (file: string) => string[];

export function checkRuleFile(file: string, checkRules?: RuleChecker): RuleFileCheck {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    return { alerts: [], problems: [`${file} is not readable YAML: ${(e as Error).message.split("\n")[0]}`] };
  }
  const groups = (doc as { groups?: unknown } | null)?.groups;
  const alerts = Array.isArray(groups)
    ? groups.flatMap((g) => (Array.isArray(g?.rules) ? g.rules : [])).flatMap((r: { alert?: unknown }) => (typeof r?.alert === "string" ? [r.alert] : []))
    : [];
  return { alerts: [...new Set(alerts)], problems: checkRules?.(file) ?? [] };
}
