// Host programs the harness runs (haproxy to pack into an image, prometheus, alertmanager, promtool): found
// on the PATH, plus the sbin folders a non-login root shell may lack.
import { delimiter } from "node:path";
import which from "which";

const EXTRA_DIRS = ["/usr/local/sbin", "/usr/sbin", "/sbin"];

/** Absolute path of the first of `names` that is an executable file, or undefined. */
export function findExecutable(names: readonly string[], path = process.env.PATH ?? ""): string | undefined {
  // Empty entries dropped: `which` would read one as the current folder.
  const dirs = [...path.split(delimiter).filter(Boolean), ...EXTRA_DIRS].join(delimiter);
  for (const name of names) {
    const found = which.sync(name, { path: dirs, nothrow: true });
    if (found) return found;
  }
  return undefined;
}
