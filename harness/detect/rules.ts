// The user's Prometheus rule files, checked before anything runs: `promtool check rules` when promtool is on
// the PATH (the same parser Prometheus uses), and the alert names they define, so that `expect` and `heal`
// can be checked against them.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface RuleFileCheck {
  alerts: string[];
  /** One line per problem, without the file name (the caller locates it). */
  problems: string[];
}

const PROMTOOL_TIMEOUT_MS = 10_000;

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

/** promtool's complaints about a rule file; none when promtool is not installed (Prometheus checks at start). */
function promtool(file: string): string[] {
  try {
    execFileSync("promtool", ["check", "rules", file], { timeout: PROMTOOL_TIMEOUT_MS, stdio: ["ignore", "pipe", "pipe"] });
    return [];
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer; stdout?: Buffer };
    if (err.code === "ENOENT") return [];
    const output = `${err.stderr ?? ""}${err.stdout ?? ""}`;
    const lines = output
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("Checking ") && l !== "FAILED:")
      .map((l) => (l.startsWith(`${file}: `) ? l.slice(file.length + 2) : l));
    return [`promtool check rules: ${lines.join("; ") || err.message}`];
  }
}
