// Shell metacharacters and HTML in every string field of the scenario, one field at a time: a free-text
// field keeps the text verbatim as data (nothing runs: commands are argv arrays), any other field refuses
// it with located one-line errors, and every report escapes what reaches it. The fields come from walking
// the scenario's zod schemas (plug-ins included), so a field added later must be filled here too.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { stringify } from "yaml";
import { scheduledFault } from "../../harness/contracts/journal.ts";
import { planFaults } from "../../harness/run/schedule.ts";
import { formatPath, ScenarioError } from "../../harness/contracts/errors.ts";
import { parseScenario } from "../../harness/scenario/parse.ts";
import type { Scenario } from "../../harness/scenario/scenario.ts";
import { reporters } from "../../reports/registry.ts";
import type { Reporter } from "../../reports/reporter.ts";
import {
  EVERY_FIELD_DOCUMENTS,
  filledPositions,
  matches,
  PRIVATE_STRING_POSITIONS,
  scenarioStringPositions,
  stringLeaves,
  stringPositions,
  UNFILLABLE,
  type LeafPath,
} from "../fuzz/every-field.ts";
import { HTML_STRINGS, shellStrings } from "../fuzz/scenarios.ts";
import { tempDir } from "../integration/helpers.ts";
import { hostileJournal, T0 } from "./hostile-journal.ts";
import { PATH_REFUSED } from "./scenario-messages.ts";

const root = join(import.meta.dirname, "..", "..");
const FILE = join(root, "scenarios", "hostile.yaml");
const LOCATED = /^hostile\.yaml:\d+:\d+: \S[^\n]*$/;
const marker = join(tempDir("hostile-fields"), "executed");
const HOSTILE = [...shellStrings(marker), ...HTML_STRINGS];

/** Fields that take any text and keep it (document name, then the field). */
const FREE_TEXT = [
  "every-field description",
  "every-field targets.api.env.WORK_MS",
  "every-field targets.api.command[0]",
  "every-field targets.api.command[1]",
  "every-field targets.api.volumes.store",
  "every-field targets.api.healthcheck.test[1]",
  "every-field targets.api.healthcheck.test[2]",
  "every-field targets.api.healthcheck.test[3]",
  "every-field targets.ext.container",
  "every-field load.requests[0].body",
  "every-field load.requests[1].body.note",
  "every-field load.requests[1].body.list[0]",
  "every-field journeys[0].steps[0].goto",
  "every-field journeys[0].steps[1].fill",
  "every-field journeys[0].steps[1].value",
  "every-field journeys[0].steps[2].click",
  "every-field journeys[0].steps[3].press",
  "every-field journeys[0].steps[4].expectText",
  "every-field journeys[0].steps[5].waitFor",
  "every-field faults[3].path", // disk-fill: a folder in the container, not a URL
  "every-field detection.expect[0].alert",
  "every-field detection.detectors[2].query",
  // The alerts live in your own Prometheus here: any name may be one of them.
  "every-field heal[0].on",
  "every-field heal[1].on",
  "every-field heal[2].on",
  "every-field variants.baseline.api.env.LATENCY_MS",
  "every-field variants.baseline.api.command[0]",
  "every-field variants.baseline.api.command[1]",
  "every-field-shorthand load.body",
];
/**
 * Request paths (and the metrics path Prometheus requests): "/" then visible ASCII, since engines write them
 * raw into the request line; anything else is refused, saying to percent-encode it.
 */
const PATHS = [
  "every-field targets.api.metrics",
  "every-field targets.api.health.path",
  "every-field load.requests[0].path",
  "every-field load.requests[1].path",
  "every-field probes[0].path",
  "every-field faults[0].path",
  "every-field faults[1].path",
  "every-field faults[2].path",
  "every-field checks[0].path",
  "every-field-shorthand load.path",
];
const VISIBLE_ASCII = /^[\x21-\x7e]*$/;
const unlocated = (line: string) => line.replace(/^hostile\.yaml:\d+:\d+: /, "");

/** Fields that take any text on one line (image names; header values, which engines write as raw lines). */
const ONE_LINE = [
  "every-field targets.db.image",
  "every-field load.requests[0].headers.x-note",
  "every-field variants.canary.api.image",
  "every-field-shorthand load.headers.x-note",
];

const valueAt = (doc: unknown, path: LeafPath) => path.reduce<any>((node, key) => node[key], doc) as string;
/** The hostile text in place of one field; a path-like value keeps its start (a path must begin with "/"). */
function withText(doc: Record<string, unknown>, path: LeafPath, s: string): { doc: Record<string, unknown>; value: string } {
  const copy = structuredClone(doc);
  const value = valueAt(doc, path).includes("/") ? valueAt(doc, path) + s : s;
  path.slice(0, -1).reduce<any>((node, key) => node[key], copy)[path[path.length - 1]!] = value;
  return { doc: copy, value };
}

/** Every string a parsed scenario holds, bodies sent as JSON included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") {
    let json: unknown;
    try {
      json = JSON.parse(value); // a body sent as JSON
    } catch {
      return [value];
    }
    return [value, ...strings(json)];
  }
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
}

function parse(doc: unknown): Scenario | string[] {
  try {
    return parseScenario(stringify(doc), FILE, "hostile.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split("\n");
    throw e;
  }
}

describe("the documents cover the schema", () => {
  it("walks optional, default, pipe, array, record and union down to their strings", () => {
    const schema = z.object({
      a: z.string().optional(),
      b: z.array(z.union([z.string(), z.number()])).default([]),
      c: z.record(z.string(), z.object({ d: z.string() })),
      e: z.object({ f: z.number() }).transform((x) => x.f),
      g: z.preprocess((v) => v, z.array(z.string())),
    });
    expect([...stringPositions(schema, "x")]).toEqual(["x.a", "x.b[]", "x.c{key}", "x.c.*.d", "x.g[]"]);
  });

  it("every string position of the scenario is filled by a valid document", () => {
    const all = [...scenarioStringPositions(), ...PRIVATE_STRING_POSITIONS];
    // The walk reaches the plug-ins: one kind's own field, one base field.
    expect(all).toEqual(expect.arrayContaining(["faults[disk-fill].path", "faults[*].target", "journeys[].steps[].fill", "load.requests[].headers.*"]));
    const filled = filledPositions(EVERY_FIELD_DOCUMENTS);
    expect(all.filter((p) => !(p in UNFILLABLE) && !filled.some((f) => matches(p, f)))).toEqual([]);
    for (const doc of EVERY_FIELD_DOCUMENTS) expect(Array.isArray(parse(doc)), JSON.stringify(parse(doc))).toBe(false);
  });
});

// A bound on a slow machine (validation runs promtool on rule files), not a speed goal.
describe("hostile text in each string field", { timeout: 60_000 }, () => {
  // Each field in turn gets every payload at once (one parse per field: validation runs ~10 ms); then
  // each payload goes, alone, into every field that took them.
  const ALL = HOSTILE.join(" ");
  const ONE_LINE_ALL = HOSTILE.filter((s) => !/[\r\n]/.test(s)).join(" ");

  it.each([
    ["all the payloads", ALL, FREE_TEXT],
    ["the payloads without a line break", ONE_LINE_ALL, [...FREE_TEXT, ...ONE_LINE]],
  ])("%s, in each field in turn: kept verbatim in free-text fields, located one-line errors elsewhere (exact in paths)", (_, s, free) => {
    const accepted: string[] = [];
    for (const doc of EVERY_FIELD_DOCUMENTS) {
      for (const path of stringLeaves(doc)) {
        const { doc: edited, value } = withText(doc, path, s);
        const r = parse(edited);
        const field = `${doc.name} ${formatPath(path)}`;
        if (Array.isArray(r)) {
          expect(r.length, field).toBeGreaterThan(0);
          for (const line of r) expect(line, field).toMatch(LOCATED);
          // (A refused target also makes the sections naming it fail: only the path's own line is asserted.)
          if (PATHS.includes(field)) expect(r.map(unlocated), field).toContain(`${formatPath(path)}: ${PATH_REFUSED}`);
          continue;
        }
        accepted.push(field);
        expect(strings(r).some((x) => x.includes(value)), field).toBe(true);
      }
    }
    expect([...accepted].sort()).toEqual([...free].sort());
    expect(existsSync(marker)).toBe(false);
  });

  it.each(HOSTILE)("%j in every field that takes free text at once: kept verbatim, nothing runs", (s) => {
    const oneLine = !/[\r\n]/.test(s);
    for (const doc of EVERY_FIELD_DOCUMENTS) {
      const fields = stringLeaves(doc).filter((p) => [...FREE_TEXT, ...(oneLine ? ONE_LINE : [])].includes(`${doc.name} ${formatPath(p)}`));
      if (!fields.length) continue;
      const edits = fields.reduce((acc, p) => {
        const { doc: d, value } = withText(acc.doc, p, s);
        return { doc: d, values: [...acc.values, value] };
      }, { doc, values: [] as string[] });
      const r = parse(edits.doc);
      expect(Array.isArray(r), JSON.stringify(r)).toBe(false);
      const held = strings(r);
      for (const value of edits.values) expect(held.some((x) => x.includes(value)), value).toBe(true);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it.each(HOSTILE)("%j in every request path at once: kept when visible ASCII, else refused, saying to percent-encode", (s) => {
    for (const doc of EVERY_FIELD_DOCUMENTS) {
      const fields = stringLeaves(doc).filter((p) => PATHS.includes(`${doc.name} ${formatPath(p)}`));
      if (!fields.length) continue;
      const edited = fields.reduce((d, p) => withText(d, p, s).doc, doc);
      const r = parse(edited);
      if (VISIBLE_ASCII.test(s)) {
        expect(Array.isArray(r), JSON.stringify(r)).toBe(false);
        for (const p of fields) expect(strings(r)).toContain(valueAt(edited, p));
      } else expect((r as string[]).map(unlocated)).toEqual(expect.arrayContaining(fields.map((p) => `${formatPath(p)}: ${PATH_REFUSED}`)));
    }
    expect(existsSync(marker)).toBe(false);
  });

  it("refuses a line break in a header value and a way out of the container in a disk-fill path", () => {
    const [doc] = EVERY_FIELD_DOCUMENTS as [Record<string, any>];
    const edited = structuredClone(doc);
    edited.load.requests[0].headers["x-note"] = "a\r\nX-Injected: 1";
    edited.faults[3].path = "/data/../../../dev/shm";
    expect(parse(edited)).toEqual([
      "hostile.yaml:45:17: load.requests[0].headers.x-note: must be one line: a line break would start another header",
      'hostile.yaml:98:11: faults[3].path: must not contain ".." segments',
    ]);
  });
});

describe("every report escapes the free text that reaches it", () => {
  const [script, img] = HTML_STRINGS as [string, string, string];
  const [doc] = EVERY_FIELD_DOCUMENTS as [Record<string, unknown>];
  // Each free-text field gets one of the payloads, in turn; request paths the one without a space.
  const field = (p: LeafPath) => `${doc.name} ${formatPath(p)}`;
  const html = stringLeaves(doc)
    .filter((p) => FREE_TEXT.includes(field(p)) || PATHS.includes(field(p)))
    .reduce((d, p, k) => withText(d, p, PATHS.includes(field(p)) ? script : HTML_STRINGS[k % HTML_STRINGS.length]!).doc, doc);
  const scenario = parseScenario(stringify(html), FILE);
  const journal = hostileJournal(scenario, {
    faults: planFaults(scenario).map((p) => ({
      ...scheduledFault({ id: p.id, kind: p.spec.kind, target: p.spec.target, description: p.description, victims: [img], atMs: p.atMs, durationMs: p.spec.durationMs ?? null }),
      injectedAt: T0 + 500,
      error: script,
    })),
    checks: [],
    undoFailures: [],
    error: undefined,
  });

  it("the journal carries the hostile text (descriptions, request bodies and headers, fault paths)", () => {
    const text = JSON.stringify(journal);
    for (const payload of HTML_STRINGS) expect(text).toContain(JSON.stringify(payload).slice(1, -1));
  });

  it.each(Object.values(reporters as Record<string, Reporter>).filter((r) => r.format !== "json"))("$format", (reporter) => {
    const out = reporter.render(journal);
    for (const payload of HTML_STRINGS) expect(out).not.toContain(payload);
  });
});
