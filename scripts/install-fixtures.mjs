// Installs the fixtures' own dependencies (each fixture image copies its node_modules, since images build
// offline), unless they are current. npm runs it as `prepare` after `npm install` or `npm ci` in a checkout
// (never where the published package is installed, which ships no fixtures); scripts/setup.sh runs it too.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..", "fixtures");
if (existsSync(root)) {
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    const lock = join(dir, "package-lock.json");
    if (!existsSync(lock)) continue;
    const stamp = join(dir, "node_modules", ".package-lock.json");
    if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) continue;
    console.log(`installing dependencies of fixtures/${name}`);
    execFileSync("npm", ["ci", "--omit=dev", "--no-audit", "--no-fund"], { cwd: dir, stdio: "inherit" });
  }
}
