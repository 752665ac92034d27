import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { CheckRecord } from "../../harness/contracts/journal.ts";
import { scheduledFault, type FaultRecord } from "../../harness/contracts/journal.ts";
import { InfraError, ScenarioError, UsageError } from "../../harness/contracts/errors.ts";
import { loadScenario, parseScenario } from "../../harness/scenario/parse.ts";
import { reporters } from "../../reports/registry.ts";
import type { Reporter } from "../../reports/reporter.ts";
import { HTML_STRINGS, shellStrings } from "../fuzz/scenarios.ts";
import { runCli, tempDir } from "../integration/helpers.ts";
import { hostileJournal, T0 } from "./hostile-journal.ts";
import { PATH_REFUSED } from "./scenario-messages.ts";

const root = join(import.meta.dirname, "..", "..");
const file = join(root, "scenarios", "hostile.yaml");
const messages = (text: string): string[] => {
  try {
    parseScenario(text, file, "hostile.yaml");
  } catch (e) {
    if (e instanceof ScenarioError) return e.message.split("\n");
    throw e;
  }
  throw new Error("expected a ScenarioError");
};

/** A scenario whose every free-text field holds `s`, and whose request paths end with `path`. */
function everyStringField(s: string, path = ""): Record<string, unknown> {
  return {
    version: 1,
    name: "hostile",
    description: s,
    targets: {
      api: {
        build: "../fixtures/api",
        port: 8080,
        env: { WORK_MS: s, [s]: s },
        command: ["/usr/bin/node", "/app/server.js", s],
        health: { path: `/healthz?${path}` },
      },
    },
    load: { target: "api", path: `/work?${path}`, duration: "3s" },
    probes: [{ name: "health", target: "api", path: `/healthz?${path}` }],
    checks: [{ kind: "acked-writes", target: "api", path: `/kv/${path}` }],
  };
}

describe("YAML bombs", () => {
  const refused = "hostile.yaml:1:1: too many YAML aliases (more than 100): refusing a possible alias bomb";
  const levels = "bcdefghi".split("");
  it("refuses a billion-laughs of mappings", () => {
    const bomb = [
      "a: &a {x: 1, y: 1, z: 1, w: 1, v: 1, u: 1, t: 1, s: 1, r: 1, q: 1}",
      ...levels.map((l, i) => `${l}: &${l} {${Array.from({ length: 10 }, (_, k) => `k${k}: *${i ? levels[i - 1] : "a"}`).join(", ")}}`),
    ].join("\n");
    expect(messages(bomb)).toEqual([refused]);
  });

  it("refuses a bomb built from merge keys", () => {
    const bomb = ["a: &a {x: 1}", ...Array.from({ length: 20 }, (_, i) => `b${i}: &b${i}\n  <<: [${i ? `*b${i - 1}` : "*a"}, ${i ? `*b${i - 1}` : "*a"}]`)].join("\n");
    expect(messages(bomb)).toEqual([refused]);
  });
});

describe("huge files and deep nesting", () => {
  it("refuses a file over 1 MB before reading it, through the command line too (exit 2)", async () => {
    const dir = tempDir("huge");
    const huge = join(dir, "huge.yaml");
    writeFileSync(huge, `version: 1\ndescription: "${"x".repeat(1_000_001)}"\n`);
    expect(() => loadScenario(huge)).toThrow(new UsageError(`${huge}: the file is larger than 1000000 bytes`));
    const r = await runCli(["validate", huge]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${huge}: the file is larger than 1000000 bytes\n`);
  });

  it("reads a file just under the limit", () => {
    const doc = { ...everyStringField("x"), description: "x".repeat(990_000) };
    expect(parseScenario(stringify(doc), file).description).toHaveLength(990_000);
  });

  it.each([
    ["flow sequences", "[".repeat(100_000) + "]".repeat(100_000)],
    ["flow mappings", "a: " + "{b: ".repeat(20_000) + "1" + "}".repeat(20_000)],
    ["block mappings", Array.from({ length: 5_000 }, (_, i) => `${" ".repeat(i)}k:`).join("\n")],
  ])("reports nesting too deep for the parser once, located (%s)", (_, text) => {
    const lines = messages(text);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^hostile\.yaml:\d+:\d+: the YAML is nested too deeply$/);
  });
});

describe("shell metacharacters are plain data", () => {
  const marker = join(tempDir("shell"), "executed");

  it.each(shellStrings(marker))("in every free-text field: %j is kept verbatim, nothing runs", (s) => {
    const scenario = parseScenario(stringify(everyStringField(s)), file);
    expect(scenario.description).toBe(s);
    expect(scenario.targets.api!.env).toEqual({ WORK_MS: s, [s]: s });
    expect(scenario.targets.api!.command).toEqual(["/usr/bin/node", "/app/server.js", s]);
    expect(existsSync(marker)).toBe(false);
  });

  // Each holds a space or a line break, which engines would write raw into the request line.
  it.each(shellStrings(marker))("in request paths: %j is refused, located, saying to percent-encode", (s) => {
    const lines = messages(stringify(everyStringField("x", s)));
    for (const line of lines) expect(line).toMatch(/^hostile\.yaml:\d+:\d+: \S[^\n]*$/);
    expect(lines.map((l) => l.replace(/^hostile\.yaml:\d+:\d+: /, ""))).toEqual(
      ["targets.api.health.path", "load.path", "probes[0].path", "checks[0].path"].map((field) => `${field}: ${PATH_REFUSED}`),
    );
    expect(existsSync(marker)).toBe(false);
  });

  it.each(shellStrings(marker))("in fields with a grammar: %j gives located one-line errors", (s) => {
    const doc = everyStringField("x") as any;
    doc.name = s;
    doc.targets.api.image = s;
    doc.targets.api.restart = s;
    doc.load.duration = s;
    doc.probes[0].name = s;
    doc.slo = [s];
    doc.report = { formats: [s] };
    const lines = messages(stringify(doc));
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) expect(line).toMatch(/^hostile\.yaml:\d+:\d+: \S[^\n]*$/);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("HTML and script in names are escaped in every report", () => {
  const [script, img, svg] = HTML_STRINGS as [string, string, string];
  const scenario = parseScenario(stringify({ ...everyStringField(script, script), description: img }), file);
  const fault: FaultRecord = {
    ...scheduledFault({ id: "faults[0]", kind: "crash", target: "api", description: `crash ${svg}`, victims: [img], atMs: 500, durationMs: null }),
    injectedAt: T0 + 500,
    error: script,
  };
  const check: CheckRecord = {
    id: "checks[0]",
    kind: "acked-writes",
    target: "api",
    description: `acknowledged writes to api ${script}`,
    path: `/kv/${script}`,
    rate: 50,
    writes: { attempted: 1, acked: 0, notAcked: 1, notAckedBy: { [img]: 1 } },
    verify: null,
    lost: null,
    unackedPresent: null,
    lostKeys: [],
    error: `not verified: ${svg}`,
  };
  const journal = hostileJournal(scenario, {
    faults: [fault],
    checks: [check],
    undoFailures: [{ label: `undo ${img}`, error: svg }],
    error: new InfraError(`target api did not become healthy (GET http://127.0.0.1:1/healthz?${script}: http 404)`, `check ${img}`),
  });

  it.each(Object.values(reporters as Record<string, Reporter>))("$format", (reporter) => {
    const out = reporter.render(journal);
    if (reporter.format === "json") {
      // Data, not markup: kept verbatim for whoever reads it.
      expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(journal)));
      return;
    }
    for (const payload of HTML_STRINGS) expect(out).not.toContain(payload);
  });

  it("markdown shows the text escaped, not dropped", () => {
    const md = reporters.markdown.render(journal);
    expect(md).toContain("GET http://127.0.0.1:1/healthz?&lt;script>alert(1)&lt;/script>: http 404");
    expect(md).toContain("Fix: check &lt;img src=x onerror=alert(1)>");
  });
});
