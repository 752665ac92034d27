// `targets: { fromCompose: ./docker-compose.yml }`: the services of a Compose file become targets, so a team
// reuses the file it already has. What maps: image, build (context; Dockerfile), environment, ports (the
// one container port serving HTTP), expose, command, restart, depends_on, healthcheck, deploy.replicas.
// Anything else is an error located in the Compose file: a key silently ignored would make the run test
// something other than what the file describes. `x-*` extension keys are ignored, as Compose does.
// Variable interpolation (`$HOST`, `${TAG}`) is refused wherever it is: the values would come from a shell
// or .env file the run does not read. `$$` is a literal `$`, as in Compose.
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Issue } from "../contracts/errors.ts";
import { MAX_BYTES, readYaml } from "./yaml.ts";

const TOP_LEVEL = ["services", "name", "version"];
const SERVICE_KEYS = ["image", "build", "environment", "ports", "expose", "command", "restart", "depends_on", "healthcheck", "deploy"];
const RESTARTS: Record<string, string> = { no: "no", "on-failure": "on-failure", always: "always" };

export interface ComposeImport {
  /** Raw target sections (scenario keys), by service name; the scenario's target schema checks them. */
  targets: Record<string, Record<string, unknown>>;
  /** Located in the Compose file. */
  issues: Issue[];
  /** Services with a mistake already reported (their target is not checked again). */
  broken: Set<string>;
}

export function importCompose(file: string): ComposeImport {
  const shown = relative(process.cwd(), file) || file;
  const out: ComposeImport = { targets: {}, issues: [], broken: new Set() };
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
    text = readFileSync(file, "utf8");
  } catch (e) {
    out.issues.push({ path: ["targets", "fromCompose"], message: `cannot read Compose file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
    return out;
  }
  const { raw, locate } = readYaml(text, shown);
  const problem = (path: (string | number)[], message: string, atKey = false, valid?: readonly string[]) => {
    const located = locate({ path, message, atKey, ...(valid ? { valid } : {}) });
    // The path is the Compose file's own (services.api.ports), as its author reads it.
    out.issues.push({ path, message, ...(valid ? { valid } : {}), at: { file: shown, line: located.line, col: located.col } });
  };
  const doc = isMap(raw) ? raw : {};
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL.includes(key) && !key.startsWith("x-")) problem([key], "is not supported (steadystate makes one network per run and keeps no volumes)", true, TOP_LEVEL);
  }
  if (!isMap(doc.services) || !Object.keys(doc.services).length) {
    problem(["services"], "a Compose file needs services");
    return out;
  }
  const dir = dirname(file);
  for (const [name, value] of Object.entries(doc.services)) {
    const at = (...p: (string | number)[]) => ["services", name, ...p];
    if (!isMap(value)) {
      problem(at(), "a service is a mapping");
      continue;
    }
    const before = out.issues.length;
    for (const key of Object.keys(value)) {
      if (!SERVICE_KEYS.includes(key) && !key.startsWith("x-")) problem(at(key), "is not supported", true, SERVICE_KEYS);
    }
    const { service, refused } = literals(value, at, problem);
    out.targets[name] = toTarget(service, dir, at, problem, refused);
    if (out.issues.length > before) out.broken.add(name);
  }
  return out;
}

type Problem = (path: (string | number)[], message: string, atKey?: boolean, valid?: readonly string[]) => void;
type At = (...p: (string | number)[]) => (string | number)[];

const REFUSED = Symbol("refused");

/**
 * The supported keys of a service, with `$$` read as `$` in every string. Any other `$` is reported at its
 * string, which becomes REFUSED (dropped from mappings; kept in lists, whose positions locate the other
 * entries' mistakes, and skipped by `strings`). Its key is then `refused`, so that a value found missing is
 * not reported a second time; the rest is still mapped, so every other mistake is reported too.
 */
function literals(service: Record<string, unknown>, at: At, problem: Problem): { service: Record<string, unknown>; refused: Set<string> } {
  const out: Record<string, unknown> = {};
  const refused = new Set<string>();
  for (const [key, value] of Object.entries(service)) {
    if (!SERVICE_KEYS.includes(key)) continue;
    const walk = (v: unknown, path: (string | number)[]): unknown => {
      if (typeof v === "string") {
        const ref = interpolation(v);
        if (ref === undefined) return v.replaceAll("$$", () => "$");
        refused.add(key);
        problem(path, ref === "$" ? 'a "$" starts a variable in Compose: write $$ for a literal $' : `variable interpolation (${ref}) is not supported: write the value in the file ($$ for a literal $)`);
        return REFUSED;
      }
      if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
      if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...path, k])] as const).filter(([, x]) => x !== REFUSED));
      return v;
    };
    const clean = walk(value, at(key));
    if (clean !== REFUSED) out[key] = clean;
  }
  return { service: out, refused };
}

/** The first variable reference of a Compose string as written up to its name (`$HOST`, `${TAG}`, or a lone `$`); `$$` is no reference. */
function interpolation(text: string): string | undefined {
  for (let i = text.indexOf("$"); i !== -1; i = text.indexOf("$", i + 2)) {
    if (text[i + 1] === "$") continue;
    const m = /^\$(\{)?([A-Za-z_][A-Za-z0-9_]*)?/.exec(text.slice(i))!;
    return m[2] === undefined ? "$" : m[1] ? `\${${m[2]}}` : `$${m[2]}`;
  }
  return undefined;
}

/** The entries of a list as text, without the refused ones. */
function strings(list: unknown[]): string[] {
  return list.filter((x) => x !== REFUSED).map(String);
}

function toTarget(s: Record<string, unknown>, dir: string, at: At, problem: Problem, refused: ReadonlySet<string>): Record<string, unknown> {
  const t: Record<string, unknown> = {};
  if (typeof s.image === "string") t.image = s.image;
  if (s.build !== undefined) {
    const build = typeof s.build === "string" ? { context: s.build } : isMap(s.build) ? s.build : {};
    for (const key of Object.keys(build)) if (key !== "context" && key !== "dockerfile") problem(at("build", key), "is not supported", true, ["context", "dockerfile"]);
    if (build.dockerfile !== undefined && build.dockerfile !== "Dockerfile") problem(at("build", "dockerfile"), "only a file named Dockerfile in the context is supported");
    if (typeof build.context === "string") t.build = resolve(dir, build.context);
    else if (!refused.has("build")) problem(at("build"), "give the build context folder");
    // Compose builds when both are given and tags the result `image`; the harness names its own builds.
    delete t.image;
  }
  if (s.environment !== undefined) t.env = environment(s.environment, at("environment"), problem);
  // A refused port was reported already; "give ports" would be a second error about it.
  const port = refused.has("ports") || refused.has("expose") ? undefined : httpPort(s, at, problem);
  if (port !== undefined) t.port = port;
  if (s.command !== undefined) {
    if (Array.isArray(s.command)) t.command = strings(s.command);
    else if (typeof s.command === "string" && !/["'\\]/.test(s.command)) t.command = s.command.trim().split(/\s+/);
    else problem(at("command"), "write the command as a list (quoting in a string command is not supported)");
  }
  if (s.restart !== undefined) {
    const policy = RESTARTS[String(s.restart)];
    if (policy) t.restart = policy;
    else problem(at("restart"), `restart "${s.restart}" is not supported`, false, Object.keys(RESTARTS));
  }
  if (s.depends_on !== undefined) {
    const deps = Array.isArray(s.depends_on) ? strings(s.depends_on) : isMap(s.depends_on) ? Object.keys(s.depends_on) : [];
    if (isMap(s.depends_on)) {
      for (const [dep, cond] of Object.entries(s.depends_on)) {
        const condition = isMap(cond) ? cond.condition : undefined;
        if (condition === "service_completed_successfully") problem(at("depends_on", dep, "condition"), "service_completed_successfully is not supported (targets are long-running services)");
      }
    }
    t.dependsOn = deps;
  }
  if (s.healthcheck !== undefined) {
    const h = healthcheck(s.healthcheck, at("healthcheck"), problem);
    if (h) t.healthcheck = h;
  }
  if (s.deploy !== undefined) {
    const deploy = isMap(s.deploy) ? s.deploy : {};
    for (const key of Object.keys(deploy)) if (key !== "replicas") problem(at("deploy", key), "is not supported", true, ["replicas"]);
    if (deploy.replicas !== undefined) t.replicas = deploy.replicas;
  }
  return t;
}

function environment(env: unknown, path: (string | number)[], problem: Problem): Record<string, unknown> {
  const entries: ([string, unknown] | undefined)[] = Array.isArray(env)
    ? env.map((e) => {
        if (e === REFUSED) return undefined;
        const [k, ...v] = String(e).split("=");
        return [k!, v.length ? v.join("=") : undefined];
      })
    : isMap(env)
      ? Object.entries(env)
      : [];
  const out: Record<string, unknown> = {};
  entries.forEach((entry, i) => {
    if (!entry) return;
    const [k, v] = entry;
    const where = Array.isArray(env) ? [...path, i] : [...path, k];
    if (v === undefined || v === null) problem(where, `${k} has no value (taking it from the shell is not supported: write it in the file)`);
    else out[k] = v;
  });
  return out;
}

/** The container port serving HTTP: the one of `ports` (the host side is ignored: the harness publishes on loopback), or of `expose`. */
function httpPort(s: Record<string, unknown>, at: At, problem: Problem): number | undefined {
  const key = s.ports !== undefined ? "ports" : s.expose !== undefined ? "expose" : undefined;
  if (!key) {
    problem(at(), "give ports (or expose): steadystate reaches each target over one HTTP port", true);
    return undefined;
  }
  const list = s[key];
  if (!Array.isArray(list) || list.length !== 1) {
    problem(at(key), "give exactly one port: the container port serving HTTP");
    return undefined;
  }
  const entry = list[0];
  const text = isMap(entry) ? String(entry.target ?? "") : String(entry);
  // "8080", "8081:8080", "127.0.0.1:8081:8080", "8080/tcp": the container port is the last number.
  const m = /(?:^|:)(\d+)(?:\/tcp)?$/.exec(text);
  if (!m) {
    problem(at(key, 0), `"${text}" is not a TCP port (ranges and UDP are not supported)`);
    return undefined;
  }
  return Number(m[1]);
}

function healthcheck(h: unknown, path: (string | number)[], problem: Problem): Record<string, unknown> | undefined {
  if (!isMap(h)) return undefined;
  const keys = ["test", "interval", "timeout", "retries", "start_period", "disable"];
  for (const key of Object.keys(h)) if (!keys.includes(key)) problem([...path, key], "is not supported", true, keys);
  // Compose's two ways to turn the image's health check off: the target then has none.
  if (h.disable === true || (Array.isArray(h.test) && h.test[0] === "NONE")) return undefined;
  const test = typeof h.test === "string" ? ["CMD-SHELL", h.test] : Array.isArray(h.test) ? strings(h.test) : undefined;
  if (!test) {
    problem([...path, "test"], 'give test: ["CMD", …] or ["CMD-SHELL", "…"]');
    return undefined;
  }
  const out: Record<string, unknown> = { test };
  for (const [from, to] of [["interval", "interval"], ["timeout", "timeout"], ["start_period", "startPeriod"]] as const) {
    if (h[from] === undefined) continue;
    const ms = goDuration(String(h[from]));
    if (ms === undefined) problem([...path, from], `"${h[from]}" is not a duration like 10s, 1m30s or 500ms`);
    else out[to] = `${ms}ms`;
  }
  if (h.retries !== undefined) out.retries = h.retries;
  return out;
}

/** Compose durations are Go's ("1m30s", "500ms"); no library parses them for Node, the grammar is small. */
export function goDuration(text: string): number | undefined {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, ns: 0.000001 };
  if (!/^(\d+(\.\d+)?(h|m|s|ms|us|ns))+$/.test(text)) return undefined;
  let ms = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|us|ns|h|m|s)/g)) ms += Number(part[1]) * units[part[2]!]!;
  return Math.round(ms);
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
