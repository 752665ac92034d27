import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../harness/cli/main.ts";
import { detectCapabilities } from "../../harness/faults/capabilities.ts";
import { CapabilityError, formatLocated, ScenarioError } from "../../harness/contracts/errors.ts";
import { loadScenario, parseScenario } from "../../harness/scenario/parse.ts";
import { asYaml, editedDocument, mutatedText, validDocument } from "../fuzz/scenarios.ts";
import { runCli, tempDir } from "../integration/helpers.ts";
import { scaled } from "../soak.ts";

const root = join(import.meta.dirname, "..", "..");
// In scenarios/, so that the generated `build: ../fixtures/api` resolves.
const FILE = join(root, "scenarios", "fuzz.yaml");
const RUNS = scaled(1_000, 10_000);
const LOCATED = /^fuzz\.yaml:\d+:\d+: \S[^\n]*$/;
const BASES = ["scenarios/quickstart.yaml", "scenarios/no-self-healing.yaml", "test/scenarios/pause-3s.yaml"].map((f) =>
  readFileSync(join(root, f), "utf8"),
);

/** Parses in-process; a problem must come out as located one-line errors, never anything else. */
function outcome(text: string): "valid" | "invalid" {
  try {
    parseScenario(text, FILE, "fuzz.yaml");
    return "valid";
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    const lines = text.split(/\r\n|\r|\n/).length;
    expect(e.issues.length).toBeGreaterThan(0);
    for (const issue of e.issues) {
      const line = formatLocated(issue);
      expect(line).toMatch(LOCATED);
      expect(line).not.toMatch(/\[object Object\]|\bundefined\b|\n\s+at /);
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.line).toBeLessThanOrEqual(lines);
      expect(issue.col).toBeGreaterThanOrEqual(1);
    }
    expect(e.message).toBe(e.issues.map(formatLocated).join("\n"));
    return "invalid";
  }
}

/**
 * The command line's entry point run in this process (what bin/steadystate.js calls), its output caught:
 * one file at a time costs milliseconds instead of a process start.
 */
async function inProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  const catching = (key: "stdout" | "stderr") =>
    vi.spyOn(process[key], "write").mockImplementation((chunk: string | Uint8Array) => ((out[key] += String(chunk)), true));
  const spies = [catching("stdout"), catching("stderr")];
  try {
    const code = await main(["node", "steadystate", ...args]);
    return { code, ...out };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

// A bound on a slow machine, not a speed goal.
describe(`scenario fuzzing (${RUNS} files per property)`, { timeout: scaled(120_000, 900_000) }, () => {
  it("every generated valid scenario validates", () => {
    fc.assert(
      fc.property(asYaml(validDocument), (text) => {
        expect(outcome(text), text).toBe("valid");
      }),
      { numRuns: RUNS },
    );
  });

  it("valid scenarios with fields changed, removed or added: valid, or located one-line errors", () => {
    const seen = { valid: 0, invalid: 0 };
    fc.assert(fc.property(asYaml(editedDocument), (text) => void seen[outcome(text)]++), { numRuns: RUNS });
    // Both outcomes are exercised: the edits neither always break nor never break a file.
    expect(seen.invalid).toBeGreaterThan(RUNS / 2);
    expect(seen.valid).toBeGreaterThan(0);
  });

  it("YAML text edited at random: valid, or located one-line errors", () => {
    const seen = { valid: 0, invalid: 0 };
    fc.assert(fc.property(mutatedText(BASES), (text) => void seen[outcome(text)]++), { numRuns: RUNS });
    expect(seen.invalid).toBeGreaterThan(RUNS / 2);
  });

  it("arbitrary text: located one-line errors", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 400 }), (text) => void outcome(text)), { numRuns: RUNS });
  });

  it(`the command line's validate, in process: ${RUNS} generated files one by one, each exit 0, 2 or 3 with exactly its own output`, async () => {
    const dir = tempDir("fuzz-cli-each");
    const capabilities = await detectCapabilities();
    const texts = fc.sample(fc.oneof(asYaml(editedDocument), mutatedText(BASES)), { numRuns: RUNS });
    const seen = { 0: 0, 2: 0, 3: 0 };
    for (const [i, text] of texts.entries()) {
      const file = join(dir, `f${i}.yaml`);
      writeFileSync(file, text.replaceAll("../fixtures/", `${root}/fixtures/`));
      const expected = (() => {
        try {
          const s = loadScenario(file, { capabilities });
          const ok = `${file}: ok (${Object.keys(s.targets).length} target(s), ${s.faults.length} fault(s), ${s.slo.length} objective(s), load ${s.load.durationMs / 1_000}s)\n`;
          return { code: 0, stdout: ok, stderr: "" };
        } catch (e) {
          if (e instanceof CapabilityError) return { code: 3, stdout: "", stderr: `${e.message}\nfix: ${e.fix}\n` };
          if (e instanceof ScenarioError) return { code: 2, stdout: "", stderr: `${e.message}\n` };
          throw e;
        }
      })();
      const r = await inProcess(["validate", file]);
      expect(r, text).toEqual(expected);
      seen[r.code as 0 | 2 | 3]++;
    }
    // Both outcomes are exercised.
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[2]).toBeGreaterThan(texts.length / 2);
  });

  it(`the real command line: ${scaled(30, 300)} generated files, each valid or only located errors, exit 0 or 2`, async () => {
    const dir = tempDir("fuzz-cli");
    const texts = fc.sample(fc.oneof(asYaml(editedDocument), mutatedText(BASES)), { numRuns: scaled(30, 300) });
    // Build folders made absolute: the files live in a temporary folder.
    const files = texts.map((text, i) => {
      const f = join(dir, `f${i}.yaml`);
      writeFileSync(f, text.replaceAll("../fixtures/", `${root}/fixtures/`));
      return f;
    });
    const expected = files.map((f) => {
      try {
        parseScenario(readFileSync(f, "utf8"), f);
        return undefined;
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        return e.message;
      }
    });
    const r = await runCli(["validate", ...files]);
    expect(r.code).toBe(expected.some((m) => m !== undefined) ? 2 : 0);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    // stderr is exactly the in-process messages of the invalid files, in order; stdout names the valid ones.
    expect(r.stderr).toBe(expected.filter((m) => m !== undefined).map((m) => `${m}\n`).join(""));
    for (const line of r.stderr.trimEnd().split("\n").filter(Boolean)) expect(line).toMatch(/^\/\S+\.yaml:\d+:\d+: \S/);
    expect(r.stdout.split("\n").filter(Boolean).map((l) => l.split(": ok")[0])).toEqual(files.filter((_, i) => expected[i] === undefined));
  });
});
