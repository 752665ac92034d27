// Host programs the harness runs (haproxy to pack into an image, prometheus, alertmanager, promtool): found
// on the PATH, plus the sbin folders a non-login root shell may lack.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const EXTRA_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** Absolute path of the first of `names` that is an executable file, or undefined. */
export function findExecutable(names: readonly string[], path = process.env.PATH ?? ""): string | undefined {
  const dirs = [...path.split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
