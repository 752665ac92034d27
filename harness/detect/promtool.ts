// `promtool check rules` on a user's rule file: the same parser Prometheus uses, run before anything starts.
import { execFileSync } from "node:child_process";

const PROMTOOL_TIMEOUT_MS = 10_000;

/** promtool's complaints about a rule file; none when promtool is not installed (Prometheus checks at start). */
export function promtool(file: string): string[] {
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
