// Scenario files for fuzzing: valid documents generated from the scenario's own vocabulary, the same with
// fields changed, removed or added at random, YAML text edited at random, and the hostile strings every
// string field must carry as plain data.
import fc from "fast-check";
import { stringify } from "yaml";
import { checkKindSpecs } from "../../harness/specs/checks/registry.ts";
import { faultSpecs as faults, faultKinds } from "../../harness/specs/faults/registry.ts";
import type { FaultKindSpec } from "../../harness/specs/faults/fault.ts";
import { OPS } from "../../harness/specs/slo/grammar.ts";
import { sloUnits, splitMetric } from "../../harness/specs/slo/metrics.ts";
import { reporters } from "../../reports/registry.ts";
import type { Unit } from "../../harness/contracts/journal.ts";

/** Shell metacharacters: if any of these ever reached a shell, `marker` would be created. */
export const shellStrings = (marker: string): string[] => [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `; touch ${marker}`,
  `| touch ${marker}`,
  `&& touch ${marker}`,
  `\ntouch ${marker}`,
  `' ; touch ${marker} #`,
  `" ; touch ${marker} #`,
];

export const HTML_STRINGS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>'];

/** Strings that have broken parsers and lookups elsewhere: Object method names, YAML 1.1 booleans, … */
export const tricky = fc.constantFrom(
  "",
  " ",
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "null",
  "~",
  "yes",
  "0x10",
  "1e400",
  ".inf",
  "2001-12-14",
  "é",
  "\u0000",
  "\t",
  "line\nbreak",
  "💥",
  "a".repeat(300),
  ...shellStrings("/tmp/steadystate-fuzz-marker"),
  ...HTML_STRINGS,
);

const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), tricky);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), tricky), scalar, { maxKeys: 3 }) },
);

const ms = (min: number, max: number) => fc.integer({ min, max });
const durationText = (valueMs: number) =>
  valueMs % 1_000 === 0 && valueMs > 0 ? fc.constantFrom(`${valueMs / 1_000}s`, `${valueMs}ms`) : fc.constant(`${valueMs}ms`);
const duration = (min: number, max: number) => ms(min, max).chain(durationText);
const anyString = fc.oneof(fc.string({ maxLength: 30 }), tricky);
const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/);
// A request path holds visible ASCII only (the rest percent-encoded): any such text, tricky strings included.
const path = fc.oneof(
  fc.constantFrom("/", "/work", "/healthz", "/kv", "/caf%C3%A9?q=a%20b"),
  fc.oneof(fc.stringMatching(/^[\x21-\x7e]{0,30}$/), tricky.filter((s) => /^[\x21-\x7e]*$/.test(s))).map((s) => `/${s}`),
);
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
/** Drops keys whose value is undefined, so optional keys are absent rather than null. */
const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

const target = fc
  .record({
    build: fc.constant("../fixtures/api"),
    port: fc.integer({ min: 1, max: 65_535 }),
    replicas: optional(fc.integer({ min: 1, max: 3 })),
    restart: optional(fc.constantFrom("no", "on-failure", "always")),
    env: optional(fc.dictionary(fc.oneof(fc.constantFrom("A", "WORK_MS"), anyString), fc.oneof(anyString, fc.integer(), fc.boolean()), { maxKeys: 3 })),
    command: optional(fc.array(anyString, { maxLength: 3 })),
    health: optional(fc.record({ path, timeout: duration(1, 60_000), interval: duration(1, 1_000) }, { requiredKeys: [] })),
    volumes: optional(fc.dictionary(name, fc.constantFrom("/data", "/var/lib/store"), { maxKeys: 1 })),
  })
  .map(compact);

const VALUES: Record<Unit, fc.Arbitrary<string>> = {
  ratio: fc.nat({ max: 1_000 }).map((n) => `${n / 10}%`),
  duration: fc.oneof(duration(0, 60_000), fc.nat({ max: 5_000 }).map(String)),
  rate: fc.nat({ max: 10_000 }).map((n) => `${n}/s`),
  count: fc.nat({ max: 100 }).map(String),
};
// error_budget_burn needs an availability objective beside it, mttd, false_alarms and lead_time something that
// detects (these documents have no detection section): left to the mutations.
const NEEDS_MORE = ["error_budget_burn", "mttd", "false_alarms", "lead_time"];
const objective = fc
  .constantFrom(...Object.entries(sloUnits).filter(([metric]) => !NEEDS_MORE.includes(splitMetric(metric).metric)))
  .chain(([metric, unit]) => fc.tuple(fc.constantFrom(...OPS), VALUES[unit]).map(([op, v]) => `${metric} ${op} ${v}`));

/**
 * Kinds valid with no parameters of their own and free to overlap: any two of them at random times form a
 * valid schedule (kinds that need parameters, or must not overlap on a target, are for the mutations).
 */
const freeKinds = faultKinds.filter((k) => {
  const kind = (faults as Record<string, FaultKindSpec<any>>)[k]!;
  return kind.exclusive === undefined && kind.params.safeParse({}).success;
});

/** A fault that ends within the first `roomMs` of the load (the rest is for stableFor), on a target with `replicas` replicas. */
const fault = (targets: Record<string, { replicas?: number }>, roomMs: number) =>
  fc
    .tuple(fc.constantFrom(...freeKinds), fc.constantFrom(...Object.keys(targets)), ms(0, roomMs - 1))
    .chain(([kind, t, at]) => {
      const windowed = (faults as Record<string, FaultKindSpec<any>>)[kind]!.window === "required";
      const replicas = targets[t]!.replicas ?? 1;
      return fc
        .record({
          duration: windowed ? duration(1, roomMs - at) : fc.constant(undefined),
          select: optional(fc.record({ count: fc.integer({ min: 1, max: replicas }), seed: fc.integer() }, { requiredKeys: ["count"] })),
          grace: kind === "stop" || kind === "restart" ? optional(fc.integer({ min: 0, max: 10 }).map((s) => `${s}s`)) : fc.constant(undefined),
        })
        .chain((rest) => durationText(at).map((atText) => compact({ kind, target: t, at: atText, ...rest })));
    });

/** A scenario document (plain data) that is valid by construction. */
export const validDocument: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    targets: fc.dictionary(fc.constantFrom("api", "db", "store"), target, { minKeys: 1, maxKeys: 2 }),
    loadMs: ms(100, 120_000),
    windowBuckets: fc.integer({ min: 1, max: 20 }),
    extraStable: ms(0, 5_000),
    steady: fc.boolean(),
  })
  .chain(({ targets, loadMs, windowBuckets, extraStable, steady }) => {
    const names = Object.keys(targets);
    const windowMs = windowBuckets * 100;
    // What validation holds the schedule and probes to: the written steadyState, or its defaults.
    const effective = steady ? { windowMs, stableForMs: windowMs + extraStable } : { windowMs: 1_000, stableForMs: 2_000 };
    const roomMs = loadMs - effective.stableForMs;
    // A probe is not sparser than a window (a window without its outcomes does not hold); the default
    // (250ms) may be left out only when it fits.
    const every = duration(1, effective.windowMs);
    const probeEvery = effective.windowMs < 250 ? every : optional(every);
    return fc
      .record({
        version: fc.constant(1),
        name,
        description: optional(anyString),
        targets: fc.constant(targets),
        load: fc
          .record({
            target: fc.constantFrom(...names),
            path: optional(path),
            method: optional(fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")),
            connections: optional(fc.integer({ min: 1, max: 1_000 })),
            rate: optional(fc.integer({ min: 1, max: 100_000 })),
            duration: durationText(loadMs),
            timeout: optional(duration(1_000, 10_000)), // the closed-model engine times out from 1 s
          })
          .map(compact),
        probes: optional(
          fc.uniqueArray(
            fc.record({ name, target: fc.constantFrom(...names), path: optional(path), every: probeEvery }).map(compact),
            { maxLength: 2, selector: (p) => p.name },
          ),
        ),
        steadyState: !steady
          ? fc.constant(undefined)
          : fc
              .record({
                errorRate: optional(fc.tuple(fc.constantFrom(...OPS), VALUES.ratio).map(([op, v]) => `${op} ${v}`)),
                p99: optional(fc.tuple(fc.constantFrom(...OPS), VALUES.duration).map(([op, v]) => `${op} ${v}`)),
                window: durationText(windowMs),
                stableFor: durationText(effective.stableForMs),
              })
              .map(compact),
        faults: roomMs > 0 ? optional(fc.array(fault(targets, roomMs), { maxLength: 3 })) : fc.constant(undefined),
        slo: optional(fc.array(objective, { maxLength: 3 })),
        report: optional(fc.record({ formats: fc.subarray(Object.keys(reporters)) })),
        checks: optional(
          fc.array(
            fc.record({
              kind: fc.constantFrom(...Object.keys(checkKindSpecs)),
              target: fc.constantFrom(...names),
              path: optional(path),
              rate: optional(fc.integer({ min: 1, max: 1_000 })),
              timeout: optional(duration(1, 10_000)),
            }).map(compact),
            { maxLength: 2 },
          ),
        ),
      })
      .map(compact);
  });

type Edit = { at: number; op: "set" | "delete" | "add-key"; value: unknown; key: string };

/** Every path to a value in a plain document. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

/** Changes, removes or adds fields at random places of a (deep-copied) document. */
export function applyFieldEdits(doc: Record<string, unknown>, edits: readonly Edit[]): unknown {
  let root: unknown = structuredClone(doc);
  for (const e of edits) {
    const all = paths(root);
    const p = all[e.at % all.length]!;
    if (p.length === 0) {
      if (e.op === "set") root = e.value;
      continue;
    }
    const parent = p.slice(0, -1).reduce<any>((o, k) => o[k], root);
    const key = p[p.length - 1]!;
    if (e.op === "set") parent[key] = e.value;
    else if (e.op === "delete") Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key];
    else if (parent[key] && typeof parent[key] === "object" && !Array.isArray(parent[key])) parent[key][e.key] = e.value;
  }
  return root;
}

const fieldEdit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom("set", "set", "delete", "add-key"),
  value: anyValue,
  key: fc.oneof(fc.constantFrom("checks", "volumes", "extra"), tricky),
});

/** Any document as YAML, in a random style. */
export const asYaml = (doc: fc.Arbitrary<unknown>): fc.Arbitrary<string> =>
  fc
    .tuple(doc, fc.constantFrom("block", "flow", "any" as const), fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE" as const))
    .map(([d, collectionStyle, defaultStringType]) => stringify(d, { collectionStyle, defaultStringType }));

/** A valid document with one to three fields changed, removed or added. */
export const editedDocument: fc.Arbitrary<unknown> = fc
  .tuple(validDocument, fc.array(fieldEdit, { minLength: 1, maxLength: 3 }))
  .map(([doc, edits]) => applyFieldEdits(doc, edits));

const YAML_SYNTAX = [":", "{", "}", "[", "]", ",", "&a", "*a", "!!str", "!tag", "|", ">", "'", '"', "%", "@", "`", "#", "- ", "? ", " ", "\n", "\t", "<<: *a", "---", "..."];

type TextEdit = { op: "splice"; at: number; remove: number; insert: string } | { op: "duplicate-line" | "drop-line" | "indent-line"; at: number };

const textEdit: fc.Arbitrary<TextEdit> = fc.oneof(
  fc.record({
    op: fc.constant("splice" as const),
    at: fc.nat(),
    remove: fc.nat({ max: 12 }),
    insert: fc.oneof(fc.constantFrom(...YAML_SYNTAX), fc.string({ maxLength: 6 }), tricky),
  }),
  fc.record({ op: fc.constantFrom("duplicate-line" as const, "drop-line" as const, "indent-line" as const), at: fc.nat() }),
);

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of edits) {
    if (e.op === "splice") {
      const at = e.at % (out.length + 1);
      out = out.slice(0, at) + e.insert + out.slice(at + e.remove);
      continue;
    }
    const lines = out.split("\n");
    const i = e.at % lines.length;
    if (e.op === "duplicate-line") lines.splice(i, 0, lines[i]!);
    else if (e.op === "drop-line") lines.splice(i, 1);
    else lines[i] = ` ${lines[i]}`;
    out = lines.join("\n");
  }
  return out;
}

/** A valid file (hand-written or generated) after one to five random text edits. */
export const mutatedText = (bases: readonly string[]): fc.Arbitrary<string> =>
  fc
    .tuple(fc.oneof(fc.constantFrom(...bases), asYaml(validDocument)), fc.array(textEdit, { minLength: 1, maxLength: 5 }))
    .map(([base, edits]) => applyTextEdits(base, edits));
