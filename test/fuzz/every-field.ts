// Valid scenario documents that between them give a value to every string-typed field of the scenario
// schema, the string positions of that schema (found by walking its zod schemas, plug-ins included, so a
// field added later is seen), and the string leaves of a document, for tests that put hostile text in
// each field in turn.
import type { z } from "zod";
import { checkKindSpecs } from "../../harness/specs/checks/registry.ts";
import { detectorSpecs } from "../../harness/specs/detect/registry.ts";
import { signals } from "../../harness/specs/detect/signals.ts";
import { faultSpecs } from "../../harness/specs/faults/registry.ts";
import { healActionSpecs } from "../../harness/specs/heal/registry.ts";
import { journeySchema } from "../../harness/specs/journeys/spec.ts";
import { faultBaseShape, headerSchema, probeSchema, reportSchema, targetOverrideSchema, targetSchema } from "../../harness/scenario/schema.ts";
import { steadyStateSchema } from "../../harness/specs/hypothesis.ts";
import { loadSchema } from "../../harness/specs/load/schema.ts";

export type LeafPath = (string | number)[];

/**
 * Where a schema takes a string: `a.b` for a key, `a[]` for list items, `a.*` for the values and `a{key}`
 * for the keys of a mapping. Values read by a grammar from any input (durations, sizes, bodies) are not
 * zod strings and are not listed.
 */
export function stringPositions(schema: z.ZodType, at: string, out: Set<string> = new Set()): Set<string> {
  const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  switch (def.type) {
    case "string":
      out.add(at);
      break;
    case "object":
      for (const [key, value] of Object.entries(def.shape)) stringPositions(value as z.ZodType, `${at}.${key}`, out);
      break;
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
      stringPositions(def.innerType, at, out);
      break;
    case "pipe": // what is written (in), and what a preprocess hands on (out)
      stringPositions(def.in, at, out);
      stringPositions(def.out, at, out);
      break;
    case "array":
      stringPositions(def.element, `${at}[]`, out);
      break;
    case "record":
      stringPositions(def.keyType, `${at}{key}`, out);
      stringPositions(def.valueType, `${at}.*`, out);
      break;
    case "union":
      for (const option of def.options) stringPositions(option, at, out);
      break;
  }
  return out;
}

/** Plug-in lists: an entry's index is shown as its kind (`faults[http-error].path`); `[*]` is any kind. */
const PLUGIN_KEYS: Record<string, string> = { faults: "kind", checks: "kind", heal: "action", detectors: "kind" };

/** The string positions of the whole scenario schema, plug-ins included. */
export function scenarioStringPositions(): Set<string> {
  const out = new Set<string>();
  const walk = (schema: z.ZodType, at: string) => stringPositions(schema, at, out);
  walk(headerSchema, "");
  walk(targetSchema, ".targets.*");
  walk(loadSchema, ".load");
  walk(probeSchema, ".probes[]");
  walk(journeySchema, ".journeys[]");
  walk(steadyStateSchema, ".steadyState");
  walk(reportSchema, ".report");
  walk(targetOverrideSchema, ".variants.*.*");
  for (const [key, value] of Object.entries(faultBaseShape)) walk(value as z.ZodType, `.faults[*].${key}`);
  for (const [kind, f] of Object.entries(faultSpecs)) walk(f.params as z.ZodType, `.faults[${kind}]`);
  for (const [kind, c] of Object.entries(checkKindSpecs)) walk(c.params as z.ZodType, `.checks[${kind}]`);
  for (const [action, h] of Object.entries(healActionSpecs)) walk(h.params as z.ZodType, `.heal[${action}]`);
  for (const [kind, d] of Object.entries(detectorSpecs)) walk(d.params(signals.error_rate.unit) as z.ZodType, `.detection.detectors[${kind}]`);
  // The sections of headerSchema are parsed on their own: their `unknown` placeholders are not strings.
  return new Set([...out].map((p) => p.slice(1)));
}

/**
 * Keys of sections whose schemas are private to their module (detection, heal rules): listed here, so
 * the documents below must still carry them.
 */
export const PRIVATE_STRING_POSITIONS = [
  "detection.prometheus.rules[]",
  "detection.expect[].alert",
  "detection.expect[].for",
  "detection.detectors[*].name",
  "detection.detectors[*].kind",
  "detection.detectors[*].signal",
  "detection.detectors[*].query",
  "detection.detectors[*].source",
  "detection.detectors[*].target",
  "heal[*].on",
  "heal[*].action",
  "heal[*].target",
];

/** Positions no valid document can fill on this machine, and why. */
export const UNFILLABLE: Record<string, string> = {
  "load.script": "k6 scripts need the k6 binary, which this machine does not have",
};

const target = { build: "../fixtures/api", port: 8080 };

/** Valid scenarios (files in scenarios/, so `../fixtures` resolves) that fill every string position. */
export const EVERY_FIELD_DOCUMENTS: Record<string, unknown>[] = [
  {
    version: 1,
    name: "every-field",
    description: "every free-text field",
    targets: {
      api: {
        ...target,
        replicas: 2,
        restart: "on-failure",
        env: { WORK_MS: "2" },
        command: ["/usr/bin/node", "/app/server.js"],
        dependsOn: ["db"],
        tmpfs: { "/data": "16m" },
        volumes: { store: "/var/lib/store" },
        healthcheck: { test: ["CMD", "/usr/bin/node", "-e", "process.exit(0)"], interval: "1s" },
        metrics: "/metrics",
        health: { path: "/healthz" },
      },
      db: { image: "steadystate-db:latest", port: 8080 },
      ext: { container: "some-running-container", port: 8080 },
      site: { url: "http://127.0.0.1:9/" },
    },
    load: {
      requests: [
        { target: "api", path: "/work", method: "POST", headers: { "x-note": "a note" }, body: "some text", weight: 2 },
        { target: "api", path: "/kv/key", method: "PUT", body: { note: "a note", list: ["an item"] } },
      ],
      duration: "20s",
    },
    probes: [{ name: "health", target: "api", path: "/healthz" }],
    journeys: [
      {
        name: "shop",
        steps: [
          { goto: "{{targets.api}}/" },
          { fill: "#quantity", value: "2" },
          { click: "text=Add to cart" },
          { press: "Enter" },
          { expectText: "Cart: 2 items" },
          { waitFor: "#done" },
        ],
      },
    ],
    steadyState: { errorRate: "< 1%", p50: "< 100ms", p90: "< 200ms", p95: "< 250ms", p99: "< 300ms", max: "< 2s" },
    faults: [
      { kind: "http-error", target: "api", at: "1s", duration: "1s", path: "/work" },
      { kind: "http-abort", target: "api", at: "3s", duration: "1s", path: "/work" },
      { kind: "http-delay", target: "api", at: "5s", duration: "1s", path: "/work", delay: "100ms" },
      { kind: "disk-fill", target: "api", at: "7s", duration: "1s", path: "/data", size: "1m" },
      { kind: "limit-data", target: "db", from: "api", at: "9s", duration: "1s", bytes: 1000 },
      { kind: "blackhole", target: "db", from: "api", at: "11s", duration: "1s" },
      { kind: "partition", target: "db", from: "api", at: "13s", duration: "1s" },
    ],
    checks: [{ kind: "acked-writes", target: "api", path: "/kv" }],
    detection: {
      // Your own Prometheus (only its URL is checked): rule files are checked with promtool, too slow to
      // repeat for every field; they have a document of their own below.
      prometheus: { url: "http://127.0.0.1:9090" },
      expect: [{ alert: "ApiDown", for: "http-error", within: "5s" }],
      detectors: [
        { name: "errors", kind: "threshold", signal: "error_rate", source: "health", op: ">", value: "5%" },
        { name: "cpu", kind: "ksigma", signal: "cpu", target: "api", k: 3, baseline: "5s" },
        { name: "custom", kind: "ewma", query: "sum(rate(x[1m]))", lambda: 0.3, L: 3, baseline: "5s" },
        { name: "drift", kind: "cusum", signal: "error_rate", drift: 0.5, threshold: 5, baseline: "5s" },
      ],
    },
    heal: [
      { on: "ApiDown", action: "restart", target: "api" },
      { on: "errors", action: "replace", target: "api" },
      { on: "cpu", action: "resources", target: "api", memory: "512m" },
    ],
    slo: ["availability >= 99%"],
    abortWhen: ["error_rate > 50% for 2s"],
    report: { formats: ["json", "markdown"] },
    variants: {
      baseline: { api: { env: { LATENCY_MS: "20" }, command: ["/usr/bin/node", "/app/server.js"] } },
      canary: { api: { image: "steadystate-api:canary" }, db: { build: "../fixtures/api" } },
    },
  },
  {
    // The single-request form of the load, a scaled target behind a balancer, a scripted journey, and
    // every fault-proxy kind on a link.
    version: 1,
    name: "every-field-shorthand",
    targets: { api: { ...target, balancer: "haproxy", replicas: 2, dependsOn: ["db"] }, db: target },
    load: { target: "api", path: "/work", method: "POST", headers: { "x-note": "a note" }, body: "some text", duration: "20s" },
    journeys: [{ name: "scripted", script: "../test/fuzz/journey.mjs" }],
    faults: [
      { kind: "latency", target: "db", from: "api", at: "1s", duration: "1s", delay: "100ms" },
      { kind: "bandwidth", target: "db", from: "api", at: "3s", duration: "1s", rate: "100KB/s" },
      { kind: "slow-close", target: "db", from: "api", at: "5s", duration: "1s", delay: "100ms" },
      { kind: "timeout", target: "db", from: "api", at: "7s", duration: "1s" },
      { kind: "reset-peer", target: "db", from: "api", at: "9s", duration: "1s" },
      { kind: "slicer", target: "db", from: "api", at: "11s", duration: "1s" },
    ],
    heal: [{ on: "errors", action: "scale", target: "api", max: 4 }],
    detection: { detectors: [{ name: "errors", kind: "threshold", signal: "error_rate", op: ">", value: "5%" }] },
  },
  { version: 1, name: "every-field-rules", targets: { api: target }, load: { target: "api", duration: "5s" }, detection: { prometheus: { rules: ["../fixtures/alerts.yml"] } } },
];

/** Every string in a document (keys not included), with its path. */
export function stringLeaves(value: unknown, at: LeafPath = []): LeafPath[] {
  if (typeof value === "string") return [at];
  if (value === null || typeof value !== "object") return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return entries.flatMap(([k, v]) => stringLeaves(v, [...at, k]));
}

/** The keys of every mapping in a document, with the mapping's path. */
function mappingKeys(value: unknown, at: LeafPath = []): LeafPath[] {
  if (value === null || typeof value !== "object") return [];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  const own = Array.isArray(value) ? [] : Object.keys(value).map((k) => [...at, `{${k}}`]);
  return [...own, ...entries.flatMap(([k, v]) => mappingKeys(v, [...at, k]))];
}

/** A leaf's path as a position: list indexes become `[]`, or `[KIND]` in plug-in lists. */
export function positionOf(doc: unknown, path: LeafPath): string {
  let node: any = doc;
  let out = "";
  path.forEach((part, i) => {
    const parent = path[i - 1];
    if (typeof part === "number") {
      const kindKey = typeof parent === "string" ? PLUGIN_KEYS[parent] : undefined;
      out += kindKey && typeof node[part]?.[kindKey] === "string" ? `[${node[part][kindKey]}]` : "[]";
    } else out += part.startsWith("{") ? "{key}" : `${out ? "." : ""}${part}`;
    node = node?.[part];
  });
  return out;
}

/** Whether a schema position (with `*` for any key or kind) matches a leaf's position. */
export function matches(position: string, leaf: string): boolean {
  const pattern = position
    .split("*")
    .map((s) => s.replace(/[.[\]{}()^$+?|\\]/g, "\\$&"))
    .join("[^.\\[\\]{}]+");
  return new RegExp(`^${pattern}$`).test(leaf);
}

/** The positions of every string leaf and mapping key of the documents. */
export function filledPositions(docs: readonly unknown[]): string[] {
  return docs.flatMap((doc) => [...stringLeaves(doc), ...mappingKeys(doc)].map((p) => positionOf(doc, p)));
}
