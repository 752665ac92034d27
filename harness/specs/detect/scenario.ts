// The `detection` section: Prometheus (started for the run, or the user's own), the alerts expected after
// each fault, the quiet period, and the built-in detectors. Checked against the rest of the scenario
// (targets, probes, faults, load length) and against the rule files themselves.
import { quote } from "../../contracts/errors.ts";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { faultKinds } from "../faults/registry.ts";
import type { Issue } from "../../contracts/errors.ts";
import { duration, name, obj, positiveDuration } from "../fields.ts";
import { describeInput, type Path, type Spelled } from "../../contracts/issues.ts";
import { isMapping, splitKeys, type Section } from "../plugin.ts";
import { isLoopbackUrl } from "../urls.ts";
import type { PlacedObjective } from "../slo/error-budget.ts";
import { splitMetric } from "../slo/metrics.ts";
import type { DetectorKindSpec } from "./detector.ts";
import { detectorKinds, detectorSpecs } from "./registry.ts";
import { checkRuleFile, type RuleChecker } from "./rules.ts";
import { QUERY_SIGNAL, signalNames, signals, type SignalInfo, type SignalName } from "./signals.ts";

export type PrometheusSpec =
  | { mode: "local"; rules: string[]; scrapeIntervalMs: number; evaluationIntervalMs: number }
  | { mode: "external"; url: string | null; alertmanagerUrl: string | null; pollIntervalMs: number };

export interface ExpectSpec {
  index: number;
  alert: string;
  /** A fault kind, or "any". */
  for: string;
  withinMs: number;
}

export interface DetectorSpec {
  index: number;
  name: string;
  kind: string;
  signal: SignalName | null;
  /** A multivariate detector's signals (`signal` is null), each read as a single-signal detector reads it. */
  signals: SignalName[] | null;
  query: string | null;
  /** For user-facing signals: "load" or "probe:NAME". */
  source: string;
  /** For container signals. */
  target: string | null;
  everyMs: number;
  params: object;
  description: string;
}

export interface DetectionSpec {
  prometheus: PrometheusSpec | null;
  expect: ExpectSpec[];
  quietBefore: boolean;
  settleMs: number;
  detectors: DetectorSpec[];
  /** Alert names the rule files define; null when the rules live in the user's own Prometheus. */
  ruleAlerts: string[] | null;
}

export interface DetectionContext {
  dir: string;
  targetNames: string[];
  probeNames: string[];
  faults: readonly { kind: string; atMs: number; index: number }[];
  loadDurationMs: number | undefined;
  /** A duration as the user wrote it, for messages. */
  spelled: Spelled;
  /** Checks rule files beyond reading them (promtool), when the caller has one. */
  checkRules?: RuleChecker;
}

const BUCKET_MS = 100;
const httpUrl = z.string().refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), { message: "must be an http:// or https:// URL" });

const detectionSchema = obj({
  prometheus: z.unknown().optional(),
  expect: z.array(z.unknown()).default([]),
  quietBefore: z.boolean().default(false),
  settle: duration.default(10_000),
  detectors: z.array(z.unknown()).default([]),
});

const prometheusSchema = obj({
  rules: z.preprocess((v) => (typeof v === "string" ? [v] : v), z.array(z.string().min(1))).default([]),
  scrapeInterval: positiveDuration.default(1_000),
  evaluationInterval: positiveDuration.default(1_000),
  url: httpUrl.optional(),
  alertmanagerUrl: httpUrl.optional(),
  pollInterval: positiveDuration.default(1_000),
  allowRemote: z.boolean().default(false),
});
const EXTERNAL_KEYS = ["url", "alertmanagerUrl"] as const;

const expectSchema = obj({ alert: z.string().min(1), for: z.string().default("any"), within: positiveDuration });

const detectorBaseShape = {
  name,
  kind: z.string(),
  signal: z.string().optional(),
  signals: z
    .array(z.string())
    .refine((l) => l.length >= 2, { message: "lists the two or more signals watched together (one signal: use signal)" })
    .optional(),
  query: z.string().min(1).optional(),
  source: z.string().optional(),
  target: z.string().optional(),
  every: positiveDuration.default(1_000),
};
const detectorBase = obj(detectorBaseShape);
const DETECTOR_BASE_KEYS = Object.keys(detectorBaseShape);

export function validateDetection(raw: unknown, ctx: DetectionContext, issues: Issue[], section: Section): DetectionSpec | undefined {
  const d = section(detectionSchema, raw, ["detection"]);
  // The parts are checked even when another key of the section is wrong, so every problem shows at once.
  const parts = isMapping(raw) ? raw : {};
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  const prometheus = parts.prometheus === undefined ? null : validatePrometheus(parts.prometheus, ctx, issues, section);
  const ruleAlerts = prometheus?.spec.mode === "external" ? null : (prometheus?.alerts ?? []);

  const canQuery = prometheus !== null && (prometheus.spec.mode === "local" || prometheus.spec.url !== null);
  const detectors: DetectorSpec[] = [];
  list(parts.detectors).forEach((value, i) => {
    const det = validateDetector(value, ["detection", "detectors", i], ctx, canQuery, issues, section);
    if (!det) return;
    if (detectors.some((x) => x.name === det.name)) issues.push({ path: ["detection", "detectors", i, "name"], message: `detector name "${det.name}" is used twice` });
    if (ruleAlerts?.includes(det.name)) issues.push({ path: ["detection", "detectors", i, "name"], message: `"${det.name}" is also an alert in the rule files: give the detector another name` });
    detectors.push({ ...det, index: i });
  });

  const known = ruleAlerts === null ? null : [...ruleAlerts, ...detectors.map((x) => x.name)];
  const expects: ExpectSpec[] = [];
  list(parts.expect).forEach((value, i) => {
    const path: Path = ["detection", "expect", i];
    const e = section(expectSchema, value, path);
    if (!e) return;
    if (known && !known.includes(e.alert)) {
      issues.push({ path: [...path, "alert"], message: `no alert or detector is named "${e.alert}"`, valid: known, given: e.alert });
    }
    const kinds = ["any", ...faultKinds];
    if (!kinds.includes(e.for)) issues.push({ path: [...path, "for"], message: `unknown fault kind "${e.for}"`, valid: kinds, given: e.for });
    const matching = ctx.faults.filter((f) => e.for === "any" || f.kind === e.for);
    if (kinds.includes(e.for) && matching.length === 0) {
      issues.push({ path: [...path, "for"], message: `no fault of kind ${e.for} is scheduled in faults` });
    }
    const late = ctx.loadDurationMs === undefined ? undefined : matching.find((f) => f.atMs + e.within > ctx.loadDurationMs!);
    if (late && ctx.loadDurationMs !== undefined) {
      issues.push({
        path: [...path, "within"],
        message: `${ctx.spelled([...path, "within"], e.within)} after faults[${late.index}] (at ${ctx.spelled(["faults", late.index, "at"], late.atMs)}) ends after the load (${ctx.spelled(["load", "duration"], ctx.loadDurationMs)})`,
      });
    }
    expects.push({ index: i, alert: e.alert, for: e.for, withinMs: e.within });
  });

  if (!d) return undefined;
  return { prometheus: prometheus?.spec ?? null, expect: expects, quietBefore: d.quietBefore, settleMs: d.settle, detectors, ruleAlerts };
}

// Objectives measured on alert and detector firings.
const DETECTION_METRICS = ["mttd", "false_alarms", "lead_time"];

/**
 * `mttd` and `false_alarms` are read from what fired: without a Prometheus or a detector nothing can, and
 * such an objective would fail (mttd: never) or pass (no false alarm) every run whatever happened.
 */
export function checkDetectionObjectives(slo: readonly PlacedObjective[], detection: DetectionSpec | null, issues: Issue[]): void {
  if (detection && (detection.prometheus !== null || detection.detectors.length > 0)) return;
  for (const o of slo.filter((x) => DETECTION_METRICS.includes(splitMetric(x.metric).metric))) {
    issues.push({
      path: ["slo", o.index],
      message: `${o.metric} is measured on alert and detector firings, and nothing in this scenario can fire: add detection.prometheus (alert rules, or the url of yours) or detection.detectors`,
    });
  }
}

function validatePrometheus(raw: unknown, { dir, checkRules }: DetectionContext, issues: Issue[], section: Section): { spec: PrometheusSpec; alerts: string[] } | null {
  const path: Path = ["detection", "prometheus"];
  const p = section(prometheusSchema, raw, path);
  if (!p) return null;
  const keys = isMapping(raw) ? Object.keys(raw) : [];
  if (p.url !== undefined || p.alertmanagerUrl !== undefined) {
    for (const key of ["rules", "scrapeInterval", "evaluationInterval"].filter((k) => keys.includes(k))) {
      issues.push({ path: [...path, key], message: `is for the Prometheus the harness starts; with url/alertmanagerUrl your own instance has its rules and intervals`, atKey: true });
    }
    // Traffic goes only to this machine unless the scenario says otherwise, as for url targets.
    for (const key of EXTERNAL_KEYS) {
      const url = p[key] === undefined ? undefined : new URL(p[key]);
      if (url && !p.allowRemote && !isLoopbackUrl(url)) {
        issues.push({
          path: [...path, key],
          message: `${url.host} is not this machine: alerts and queries are read only from loopback (127.0.0.0/8, localhost, [::1]) unless detection.prometheus sets allowRemote: true`,
        });
      }
    }
    return { spec: { mode: "external", url: p.url ?? null, alertmanagerUrl: p.alertmanagerUrl ?? null, pollIntervalMs: p.pollInterval }, alerts: [] };
  }
  if (keys.includes("pollInterval")) issues.push({ path: [...path, "pollInterval"], message: "is for polling your own instances (url, alertmanagerUrl)", atKey: true });
  if (keys.includes("allowRemote")) issues.push({ path: [...path, "allowRemote"], message: "applies only to your own instances (url, alertmanagerUrl)", atKey: true });
  const alerts: string[] = [];
  const listed = Array.isArray((raw as { rules?: unknown }).rules);
  const rules = p.rules.map((rel, i) => {
    const file = resolve(dir, rel);
    const at: Path = [...path, "rules", ...(listed ? [i] : [])];
    if (!existsSync(file)) {
      issues.push({ path: at, message: `file ${file} does not exist` });
      return file;
    }
    const check = checkRuleFile(file, checkRules);
    for (const problem of check.problems) issues.push({ path: at, message: problem });
    alerts.push(...check.alerts);
    return file;
  });
  return { spec: { mode: "local", rules, scrapeIntervalMs: p.scrapeInterval, evaluationIntervalMs: p.evaluationInterval }, alerts };
}

function validateDetector(
  value: unknown,
  path: Path,
  ctx: DetectionContext,
  hasPrometheus: boolean,
  issues: Issue[],
  section: Section,
): Omit<DetectorSpec, "index"> | undefined {
  if (!isMapping(value)) {
    issues.push({ path, message: "a detector is a mapping like { name: errors, kind: threshold, signal: error_rate, op: \">\", value: 5% }" });
    return undefined;
  }
  const { base: baseRaw, params: paramsRaw } = splitKeys(value, DETECTOR_BASE_KEYS);
  const base = section(detectorBase, baseRaw, path);
  const kind =
    typeof value.kind === "string" && Object.hasOwn(detectorSpecs, value.kind) ? (detectorSpecs as Record<string, DetectorKindSpec<any>>)[value.kind] : undefined;
  if (value.kind === undefined) issues.push({ path: [...path, "kind"], message: "is required", valid: detectorKinds });
  else if (!kind && typeof value.kind === "string") issues.push({ path: [...path, "kind"], message: `unknown detector kind ${describeInput(value.kind)}`, valid: detectorKinds, given: value.kind });

  const multi = kind?.multivariate === true;
  if (base?.signals !== undefined && kind && !multi) {
    issues.push({ path: [...path, "signals"], message: `${kind.kind} watches one signal: use signal (signals is for multivariate kinds such as isolation-forest)`, atKey: true });
  }
  let info: SignalInfo | undefined;
  if (multi) {
    if (base) info = validateSignalList(base, path, ctx, issues, kind!.kind);
  } else if (base?.signal !== undefined && base.query !== undefined) {
    issues.push({ path: [...path, "query"], message: "give signal or query, not both", atKey: true });
  } else if (base && base.signal === undefined && base.query === undefined) {
    issues.push({ path, message: "give signal (what the harness measures) or query (PromQL)", valid: signalNames });
  } else if (base?.signal !== undefined) {
    info = Object.hasOwn(signals, base.signal) ? (signals as Record<string, SignalInfo>)[base.signal] : undefined;
    if (!info) issues.push({ path: [...path, "signal"], message: `unknown signal ${quote(base.signal)}`, valid: signalNames, given: base.signal });
  } else if (base?.query !== undefined) {
    info = QUERY_SIGNAL;
    if (!hasPrometheus) issues.push({ path: [...path, "query"], message: "needs a Prometheus: give detection.prometheus (rules, or the url of yours)" });
  }
  if (base && info && !multi) {
    const sources = ["load", ...ctx.probeNames];
    if (info.scope === "user") {
      if (base.target !== undefined) issues.push({ path: [...path, "target"], message: `${base.signal} is measured on a source (load or a probe), not a target: use source`, atKey: true });
      if (base.source !== undefined && !sources.includes(base.source)) issues.push({ path: [...path, "source"], message: `unknown source "${base.source}"`, valid: sources, given: base.source });
      if (base.every % BUCKET_MS !== 0) issues.push({ path: [...path, "every"], message: `must be a multiple of ${BUCKET_MS}ms for ${base.signal}` });
    } else if (info.scope === "container") {
      if (base.source !== undefined) issues.push({ path: [...path, "source"], message: `${base.signal} is measured on a target: use target`, atKey: true });
      if (base.target === undefined) issues.push({ path: [...path, "target"], message: `is required for ${base.signal}`, valid: ctx.targetNames });
      else if (!ctx.targetNames.includes(base.target)) issues.push({ path: [...path, "target"], message: `unknown target "${base.target}"`, valid: ctx.targetNames, given: base.target });
    } else {
      for (const key of ["source", "target"] as const) {
        if (base[key] !== undefined) issues.push({ path: [...path, key], message: "does not apply to a query", atKey: true });
      }
    }
  }
  const params = kind && info ? section(kind.params(info.unit), paramsRaw, path, DETECTOR_BASE_KEYS) : undefined;
  if (multi && params && (params as { trainMs?: number | null }).trainMs === null) {
    const first = Math.min(...ctx.faults.map((f) => f.atMs));
    if (Number.isFinite(first)) (params as { trainMs: number }).trainMs = first;
    else issues.push({ path, message: "no fault is scheduled to train before: give train (how long it learns what is normal)" });
  }
  if (!base || !kind || !info || !params) return undefined;
  const source = base.source ?? "load";
  const watched = multi ? (base.signals as SignalName[]) : null;
  const on = (signal: string) => `${signal} of ${signals[signal as SignalName].scope === "container" ? base.target : source}`;
  return {
    name: base.name,
    kind: kind.kind,
    signal: (base.signal as SignalName | undefined) ?? null,
    signals: watched,
    query: base.query ?? null,
    source: source === "load" ? "load" : `probe:${source}`,
    target: base.target ?? null,
    everyMs: base.every,
    params,
    description: `${kind.kind} on ${watched ? watched.map(on).join(", ") : base.query ? `query ${base.query}` : `${base.signal} of ${base.target ?? source}`}: ${kind.describe(params)}`,
  };
}

/**
 * A multivariate detector's `signals`: each known, read from `source` (user-facing ones) or `target`
 * (container ones) as a single-signal detector reads it. Its parameters are plain numbers.
 */
function validateSignalList(
  base: { signal?: string; signals?: string[]; query?: string; source?: string; target?: string; every: number },
  path: Path,
  ctx: DetectionContext,
  issues: Issue[],
  kind: string,
): SignalInfo | undefined {
  for (const key of ["signal", "query"] as const) {
    if (base[key] !== undefined) issues.push({ path: [...path, key], message: `${kind} watches several signals together: give signals: [p99, error_rate, cpu, …]`, atKey: true });
  }
  if (base.signals === undefined) {
    if (base.signal === undefined && base.query === undefined) issues.push({ path, message: `give signals: the two or more signals ${kind} watches together`, valid: signalNames });
    return undefined;
  }
  let ok = true;
  const scopes = new Set<string>();
  base.signals.forEach((name, j) => {
    const info = Object.hasOwn(signals, name) ? (signals as Record<string, SignalInfo>)[name] : undefined;
    if (!info) {
      ok = false;
      issues.push({ path: [...path, "signals", j], message: `unknown signal ${quote(name)}`, valid: signalNames, given: name });
    } else if (base.signals!.indexOf(name) !== j) {
      ok = false;
      issues.push({ path: [...path, "signals", j], message: `${name} is listed twice` });
    } else scopes.add(info.scope);
  });
  const sources = ["load", ...ctx.probeNames];
  if (scopes.has("user")) {
    if (base.source !== undefined && !sources.includes(base.source)) issues.push({ path: [...path, "source"], message: `unknown source "${base.source}"`, valid: sources, given: base.source });
    if (base.every % BUCKET_MS !== 0) issues.push({ path: [...path, "every"], message: `must be a multiple of ${BUCKET_MS}ms for user-facing signals` });
  } else if (base.source !== undefined && ok) issues.push({ path: [...path, "source"], message: "applies to user-facing signals (error_rate, requests, latencies): none is listed", atKey: true });
  if (scopes.has("container")) {
    if (base.target === undefined) issues.push({ path: [...path, "target"], message: "is required for container signals (cpu, memory, restarts, network)", valid: ctx.targetNames });
    else if (!ctx.targetNames.includes(base.target)) issues.push({ path: [...path, "target"], message: `unknown target "${base.target}"`, valid: ctx.targetNames, given: base.target });
  } else if (base.target !== undefined && ok) issues.push({ path: [...path, "target"], message: "applies to container signals (cpu, memory, restarts, network): none is listed", atKey: true });
  return ok ? QUERY_SIGNAL : undefined;
}
