import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HTML_STRINGS, shellStrings } from "../fuzz/scenarios.ts";
import { leftovers, readJournal, ROOT, runCli, tempDir, writeScenario } from "./helpers.ts";

const api = join(ROOT, "fixtures", "api");
// A path is "/" and visible ASCII (validation refuses the rest): spaces and line breaks are percent-encoded,
// every shell metacharacter stays.
const inPath = (s: string) => s.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));

describe("hostile strings in a real run (real Docker)", () => {
  it("shell metacharacters in the free-text fields (env, command, health check, paths, headers, bodies, fault paths; spaces in paths percent-encoded) reach targets and requests as data: nothing runs", async () => {
    const dir = tempDir("shell-run");
    const marker = join(dir, "executed");
    const evil = shellStrings(marker);
    const file = writeScenario(dir, {
      version: 1,
      name: "shell",
      description: evil.join(" "),
      targets: {
        api: {
          build: api,
          port: 8080,
          env: Object.fromEntries(evil.map((s, i) => [`EVIL_${i}`, s])),
          command: ["/usr/bin/node", "/app/server.js", ...evil],
          // Docker's exec form (CMD): the extra arguments reach node as argv, no shell reads them.
          healthcheck: { test: ["CMD", "/usr/bin/node", "-e", "process.exit(0)", ...evil], interval: "500ms" },
          health: { path: `/healthz?${inPath(evil[0]!)}` },
        },
      },
      load: {
        requests: [
          // Header values are one line (validation refuses a line break): the others go there.
          { target: "api", path: `/work?${inPath(evil.join("&"))}`, method: "POST", headers: { "x-evil": evil.filter((s) => !s.includes("\n")).join(" ") }, body: evil.join(" ") },
          { target: "api", path: `/healthz?${inPath(evil[2]!)}`, body: { evil } },
        ],
        connections: 2,
        rate: 50,
        duration: "3s",
      },
      probes: evil.map((s, i) => ({ name: `p${i}`, target: "api", path: `/healthz?${inPath(s)}`, every: "500ms" })),
      // Matches no request of the load: the fault proxy takes the path as data.
      faults: [{ kind: "http-error", target: "api", at: "500ms", duration: "500ms", path: `/nowhere?${inPath(evil[3]!)}` }],
      checks: [{ kind: "acked-writes", target: "api", path: `/kv/${inPath(evil[1]!)}`, rate: 5 }],
    });
    const r = await runCli(["run", file, "--out", join(dir, "run"), "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(join(dir, "run"));
    expect(j.scenario.description).toBe(evil.join(" "));
    expect(j.scenario.load!.requests.map((q) => q.body)).toEqual([evil.join(" "), JSON.stringify({ evil })]);
    expect(j.faults[0]).toMatchObject({ kind: "http-error", recovered: true });
    expect(j.metrics.requests.failed).toBe(0);
    expect(Object.values(j.metrics.probes).every((p) => p.failed === 0)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(await leftovers(j.runId)).toEqual({ containers: [], networks: [] });
  });

  // Markdown escapes "&" and "<" (no tag or entity can form without them); ">" stays readable.
  it("HTML in a health path reaches the error message and is escaped in summary.md (exit 3)", async () => {
    const dir = tempDir("html-run");
    const file = writeScenario(dir, {
      version: 1,
      name: "html",
      targets: { api: { build: api, port: 8080, health: { path: `/${HTML_STRINGS[0]}`, timeout: "1s" } } },
      load: { target: "api", duration: "2s" },
    });
    const r = await runCli(["run", file, "--out", join(dir, "run"), "--no-progress"]);
    expect(r.code, r.stdout + r.stderr).toBe(3);
    const md = readFileSync(join(dir, "run", "summary.md"), "utf8");
    expect(md).toMatch(/did not become healthy within 1000ms \(GET http:\/\/127\.0\.0\.1:\d+\/&lt;script>alert\(1\)&lt;\/script>: http 404\)/);
    expect(md).not.toContain(HTML_STRINGS[0]);
  });
});
