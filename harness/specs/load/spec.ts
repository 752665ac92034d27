// The load as the engines see it, resolved from the `load` section: the engine and model (each defaults
// from the other), a weighted request mix (the `target`/`path`/… shorthand is a mix of one), the measured
// duration (given, or the sum of the stages) and the warm-up. Every key the chosen engine cannot honour is
// reported, never ignored.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Issue } from "../../contracts/errors.ts";
import type { Path } from "../../contracts/issues.ts";
import { formatDuration } from "../../contracts/units.ts";
import type { LoadEngineSpec } from "./engine.ts";
import { envReferences } from "./env-template.ts";
import { breaksHeaderLine, LOAD_ENGINES, type LoadEngineName, type LoadInput, type LoadModel, type RequestInput } from "./schema.ts";

export interface RequestSpec {
  target: string;
  path: string;
  method: string;
  /** Values as written: `${NAME}` is expanded only when sending. */
  headers: Record<string, string>;
  body?: string;
  weight: number;
}

export interface Stage {
  durationMs: number;
  /** Arrivals per second reached at the end of the stage (linear ramp from the previous rate, as k6). */
  rate: number;
}

export interface LoadSpec {
  engine: LoadEngineName;
  /** "script" for k6, whose script's executors choose. */
  model: LoadModel | "script";
  /** The request mix; empty for k6, whose script makes the requests. */
  requests: RequestSpec[];
  /** Closed model: concurrent connections. Open model: a cap on sockets (default: enough for the peak). */
  connections?: number;
  /** Closed model: cap in requests/s. Open model: arrivals/s (the start rate when stages follow, default 0). */
  rate?: number;
  stages: Stage[];
  /** The measured phase; fault times count from its start. */
  durationMs: number;
  /** Load before the measured phase, not recorded. */
  warmupMs: number;
  timeoutMs: number;
  /** k6: absolute path of the script. */
  script?: string;
  /** `load.target` when the load names one (the single-request form; k6: the script's BASE_URL). */
  target?: string;
}

const SHORTHAND = ["path", "method", "headers", "body"] as const;

export function resolveLoad(
  input: LoadInput,
  engines: Readonly<Record<LoadEngineName, LoadEngineSpec>>,
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): { spec?: LoadSpec; issues: Issue[] } {
  const issues: Issue[] = [];
  const at = (...p: Path): Path => ["load", ...p];
  const model: LoadModel = input.model ?? (input.engine === "undici" ? "open" : "closed");
  const engineName: LoadEngineName = input.engine ?? (model === "open" ? "undici" : "autocannon");
  const engine = engines[engineName];

  const missing = engine.unavailable?.();
  if (missing) issues.push({ path: at("engine"), message: missing });
  if (input.model !== undefined && !engine.models.includes(input.model)) {
    const fitting = LOAD_ENGINES.filter((e) => engines[e].models.includes(input.model!));
    issues.push({ path: at("model"), message: `engine ${engineName} drives the ${engine.models.join(" or ")} model`, valid: fitting.map((e) => `engine: ${e}`) });
  }
  for (const [key, why] of Object.entries(engine.refuses)) {
    if (input[key as keyof LoadInput] !== undefined) issues.push({ path: at(key), message: `engine ${engineName} does not take ${key}: ${why}`, atKey: true });
  }

  if (engine.minTimeoutMs !== undefined && input.timeout < engine.minTimeoutMs) {
    issues.push({ path: at("timeout"), message: `engine ${engineName} cannot time requests out before ${formatDuration(engine.minTimeoutMs)}; give at least that, or use model: open (engine undici)` });
  }

  if (input.requests) {
    for (const key of ["target", ...SHORTHAND] as const) {
      if (input[key] !== undefined) issues.push({ path: at(key), message: `give ${key} in each requests[] entry, or no requests list`, atKey: true });
    }
  } else if (input.target === undefined && engineName !== "k6") {
    issues.push({ path: at("target"), message: "is required (or requests: a weighted list of { target, path, … })" });
  }

  if (input.duration !== undefined && input.stages) issues.push({ path: at("stages"), message: "give duration or stages, not both", atKey: true });
  if (input.duration === undefined && !input.stages) issues.push({ path: at("duration"), message: "is required (or stages: [{ duration, rate }, …])" });
  if (model === "open" && input.rate === undefined && !input.stages) {
    issues.push({ path: at("rate"), message: "is required by the open model: arrivals per second (or stages)" });
  }

  const requests: RequestSpec[] = input.requests
    ? input.requests.map((r) => toRequest(r))
    : input.target !== undefined && engineName !== "k6"
      ? [toRequest({ target: input.target, path: input.path ?? "/", method: input.method ?? "GET", headers: input.headers ?? {}, body: input.body, weight: 1 })]
      : [];
  const envPaths: [Path, string][] = input.requests
    ? input.requests.flatMap((r, i) => envTexts(r, at("requests", i)))
    : envTexts({ headers: input.headers ?? {}, body: input.body }, at());
  for (const [path, text] of envPaths) {
    for (const name of envReferences(text)) {
      const value = env[name];
      if (value === undefined) issues.push({ path, message: `environment variable ${name} is not set (referred to as \${${name}})` });
      // The value itself is never printed: it is often a token.
      else if (path.includes("headers") && breaksHeaderLine(value)) {
        issues.push({ path, message: `environment variable ${name} holds a line break, which a header value cannot: it would start another header` });
      }
    }
  }

  let script: string | undefined;
  if (input.script !== undefined && !("script" in engine.refuses)) {
    script = resolve(dir, input.script);
    if (!existsSync(script) || !statSync(script).isFile()) issues.push({ path: at("script"), message: `file ${script} does not exist` });
  } else if (engineName === "k6") {
    issues.push({ path: at("script"), message: "is required: k6 runs a script (e.g. script: ./load.js)" });
  }

  if (issues.length) return { issues };
  return {
    issues,
    spec: {
      engine: engineName,
      model: engineName === "k6" ? "script" : model,
      requests,
      // Closed model: 10 connections unless told; open model: sized from the peak rate by the engine.
      ...(model === "closed" && engineName !== "k6" ? { connections: input.connections ?? 10 } : input.connections === undefined ? {} : { connections: input.connections }),
      ...(input.rate === undefined ? {} : { rate: input.rate }),
      stages: input.stages ?? [],
      durationMs: input.duration ?? (input.stages ?? []).reduce((sum, s) => sum + s.durationMs, 0),
      warmupMs: input.warmup,
      timeoutMs: input.timeout,
      ...(script ? { script } : {}),
      ...(input.target === undefined ? {} : { target: input.target }),
    },
  };
}

function toRequest(r: RequestInput): RequestSpec {
  const headers = { ...r.headers };
  // A mapping body is sent as JSON: say so unless the scenario set a content type itself.
  if (r.body?.json && !Object.keys(headers).some((h) => h.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  return { target: r.target, path: r.path, method: r.method, headers, ...(r.body ? { body: r.body.text } : {}), weight: r.weight };
}

function envTexts(r: Pick<RequestInput, "headers" | "body">, path: Path): [Path, string][] {
  const out: [Path, string][] = Object.entries(r.headers).map(([k, v]) => [[...path, "headers", k], v]);
  if (r.body) out.push([[...path, "body"], r.body.text]);
  return out;
}

/**
 * Arrivals the schedule asks for in the first `t` ms of the engine's run: the integral of the rate, which
 * holds the warm-up rate through the warm-up, then ramps linearly from the start rate (`rate`, else 0) to
 * each stage's rate in turn (k6's ramping-arrival-rate), then holds the last one. The warm-up rate is
 * `rate`, else the first stage's: a warm-up at 0/s would warm nothing.
 */
export function arrivalsBy(spec: Pick<LoadSpec, "rate" | "stages" | "warmupMs">, t: number): number {
  let from = spec.rate ?? 0;
  let total = ((spec.rate ?? spec.stages[0]?.rate ?? 0) * Math.min(t, spec.warmupMs)) / 1_000;
  let left = t - spec.warmupMs;
  for (const s of spec.stages) {
    if (left <= 0) return total;
    const e = Math.min(left, s.durationMs);
    total += (from * e + ((s.rate - from) * e * e) / (2 * s.durationMs)) / 1_000;
    left -= e;
    from = s.rate;
  }
  return left > 0 ? total + (from * left) / 1_000 : total;
}

/** The highest rate the schedule reaches (sizes the open model's socket pool). */
export function peakRate(spec: Pick<LoadSpec, "rate" | "stages">): number {
  return Math.max(spec.rate ?? 0, ...spec.stages.map((s) => s.rate));
}

/** The target a load is reported under: the one it hits, or "mixed" for a mix over several targets. */
export function loadTargetName(spec: LoadSpec): string {
  const targets = new Set(spec.requests.map((r) => r.target));
  return spec.target ?? (targets.size === 1 ? [...targets][0]! : "mixed");
}
