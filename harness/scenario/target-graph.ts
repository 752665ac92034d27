// The targets as a whole: Compose files expanded into targets, dependencies that must not loop, build
// folders that must hold a Dockerfile.
import { existsSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { importCompose } from "./compose.ts";
import type { Issue } from "../contracts/errors.ts";
import { notOnRunNetwork } from "./fault-section.ts";
import type { Path } from "../contracts/issues.ts";
import type { Target } from "./scenario.ts";

/** Expands `targets.fromCompose` into the Compose file's services; `imported` names them. */
export function withCompose(written: Record<string, unknown>, dir: string, issues: Issue[]) {
  const targets: Record<string, unknown> = {};
  const imported = new Set<string>();
  const broken = new Set<string>();
  for (const [key, value] of Object.entries(written)) {
    if (key !== "fromCompose") {
      targets[key] = value;
      continue;
    }
    if (typeof value !== "string") {
      issues.push({ path: ["targets", "fromCompose"], message: "give the path of a Compose file, e.g. fromCompose: ./docker-compose.yml" });
      continue;
    }
    const compose = importCompose(resolve(dir, value));
    issues.push(...compose.issues);
    for (const name of compose.broken) broken.add(name);
    for (const [name, t] of Object.entries(compose.targets)) {
      if (name in written) issues.push({ path: ["targets", name], message: `"${name}" is also a service of ${value}`, atKey: true });
      else {
        targets[name] = t;
        imported.add(name);
      }
    }
  }
  return { targets, imported, broken };
}

/**
 * dependsOn never loops back, nor names a container the run does not own (unknown names and
 * self-dependencies are reported with the raw values).
 */
export function checkDependencies(targets: Record<string, Target>, imported: Set<string>): Issue[] {
  const issues: Issue[] = [];
  const names = Object.keys(targets);
  const at = (name: string): Path => (imported.has(name) ? ["targets", "fromCompose", name, "dependsOn"] : ["targets", name, "dependsOn"]);
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === "done" || !targets[name]) return;
    if (state.get(name) === "visiting") {
      issues.push({ path: at(name), message: `dependencies loop: ${[...trail.slice(trail.indexOf(name)), name].join(" → ")}` });
      return;
    }
    state.set(name, "visiting");
    for (const d of targets[name]!.dependsOn) if (d !== name) visit(d, [...trail, name]);
    state.set(name, "done");
  };
  for (const name of names) visit(name, []);
  // A link proxy answers as the dependency on the run network and forwards to its replicas there.
  for (const name of names) {
    targets[name]!.dependsOn.forEach((d, i, all) => {
      if (targets[d]?.container === undefined || all.indexOf(d) < i) return;
      issues.push({
        path: [...at(name), i],
        message: `${notOnRunNetwork(d)}, so no fault proxy can answer as it there; remove it from dependsOn and fault ${d} without \`from\``,
      });
    });
  }
  return issues;
}
/** The absolute build folder, or undefined (with the problem recorded) when it is not a folder with a Dockerfile. */
export function checkBuildDir(dir: string, build: string, path: Path, issues: Issue[]): string | undefined {
  const buildDir = resolve(dir, build);
  if (!existsSync(buildDir) || !statSync(buildDir).isDirectory()) issues.push({ path, message: `folder ${buildDir} does not exist` });
  else if (!existsSync(join(buildDir, "Dockerfile"))) issues.push({ path, message: `${buildDir} has no Dockerfile` });
  else return buildDir;
  return undefined;
}
