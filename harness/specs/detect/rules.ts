// The user's Prometheus rule files, checked before anything runs: the alert names they define, so that
// `expect` and `heal` can be checked against them, and `promtool check rules` (harness/detect/promtool.ts)
// when promtool is on the PATH (the same parser Prometheus uses).
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { promtool } from "../../detect/promtool.ts";

export interface RuleFileCheck {
  alerts: string[];
  /** One line per problem, without the file name (the caller locates it). */
  problems: string[];
}

export function checkRuleFile(file: string): RuleFileCheck {
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
  return { alerts: [...new Set(alerts)], problems: promtool(file) };
}
