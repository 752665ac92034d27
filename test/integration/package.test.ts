// The published package as a user gets it: `npm pack` (which bundles the CLI), the tarball installed into an
// empty folder (its dependencies from the registry), then the CLI from there and nothing else: --version,
// validate, doctor and a run. The run's scenario needs every file the CLI reads by path at run time
// (harness/host/package-files.ts): two `image:` targets, one depending on the other (the link proxy's image is
// bundled from the package's proxy entry point), and a cpu-burn fault (the burner started from the package).
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_IMAGE } from "../../harness/docker/images.ts";
import { leftovers, readJournal, readRunId, ROOT, tempDir, writeScenario } from "./helpers.ts";

const INSTALL_TIMEOUT_MS = 600_000;
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a non-zero exit is a result, not an error. */
function exec(command: string, args: string[], cwd: string, timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: error && code === -1 ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

// Plain Node servers in the base image: db answers, api answers once db answered it (through the link proxy).
const DB_SERVER = "require('http').createServer((q, s) => s.end('db ok')).listen(8080)";
const API_SERVER = [
  "require('http').createServer(async (q, s) => {",
  "  try { const r = await fetch('http://db:8080/'); s.statusCode = r.status; s.end('api: ' + (await r.text())); }",
  "  catch (e) { s.statusCode = 502; s.end(String(e)); }",
  "}).listen(8080)",
].join("\n");

describe("the npm package, installed from its tarball", () => {
  const packDir = tempDir("pack");
  const installDir = tempDir("install");
  let tarball = "";
  let runId: string | undefined;

  // From the install folder, where the scenario is written: npx finds the installed bin there.
  const steadystate = (args: string[], timeoutMs?: number) => exec("npx", ["steadystate", ...args], installDir, timeoutMs);

  beforeAll(async () => {
    const packed = await exec("npm", ["pack", "--pack-destination", packDir], ROOT);
    expect(packed.code, packed.stdout + packed.stderr).toBe(0);
    tarball = join(packDir, readdirSync(packDir).find((f) => /^steadystate-.*\.tgz$/.test(f))!);
    const installed = await exec("npm", ["install", "--no-audit", "--no-fund", tarball], installDir, INSTALL_TIMEOUT_MS);
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    writeScenario(installDir, {
      version: 1,
      name: "package",
      targets: {
        db: { image: BASE_IMAGE, port: 8080, command: ["/usr/bin/node", "-e", DB_SERVER] },
        api: { image: BASE_IMAGE, port: 8080, dependsOn: ["db"], command: ["/usr/bin/node", "-e", API_SERVER], health: { path: "/", timeout: "20s" } },
      },
      load: { target: "api", path: "/", connections: 2, rate: 50, duration: "5s", timeout: "1s" },
      faults: [{ kind: "cpu-burn", target: "api", at: "1s", duration: "2s", cpus: 0.5 }],
      slo: ["availability >= 95%"],
    });
  }, INSTALL_TIMEOUT_MS + 120_000);

  afterAll(async () => {
    // A run that failed half-way: its containers go with the package's own cleanup.
    if (runId && (await leftovers(runId)).containers.length) await steadystate(["cleanup", "--run", runId]);
    for (const dir of [packDir, installDir]) rmSync(dir, { recursive: true, force: true });
  });

  it("ships the bundle and the files it reads at run time, and no tests, fixtures or scripts", async () => {
    const listed = await exec("tar", ["-tzf", tarball], packDir);
    const files = listed.stdout.split("\n").filter(Boolean);
    for (const f of ["package/package.json", "package/bin/steadystate.js", "package/dist/steadystate.js", "package/harness/proxy/main.ts", "package/harness/faults/burner.mjs"]) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^package\/(test|fixtures|scripts|bench|scenarios)\//.test(f))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(installDir, "node_modules", "steadystate", "package.json"), "utf8")) as { scripts?: Record<string, string> };
    expect(Object.keys(manifest.scripts ?? {})).not.toContain("postinstall");
    // The CLI starts from the bundle: the TypeScript loader is not even installed.
    expect(existsSync(join(installDir, "node_modules", "tsx"))).toBe(false);
  });

  it("prints its version", async () => {
    const r = await steadystate(["--version"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(VERSION);
  });

  it("validates a scenario with image targets", async () => {
    const r = await steadystate(["validate", "scenario.yaml"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("scenario.yaml: ok (2 target(s), 1 fault(s), 1 objective(s), load 5s)");
  });

  it("runs doctor", async () => {
    const r = await steadystate(["doctor"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("everything required is here");
  });

  it("runs the scenario: a link proxy and a cpu burner from the package, a pass, nothing left behind", async () => {
    const out = join(installDir, "run");
    const r = await steadystate(["run", "scenario.yaml", "--out", out, "--no-progress"], 240_000);
    runId = existsSync(join(out, "run.json")) ? readRunId(out) : undefined;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const j = readJournal(out);
    expect(j.verdict).toBe("pass");
    expect(j.tool).toEqual({ name: "steadystate", version: VERSION });
    expect(j.faults).toHaveLength(1);
    expect(j.faults[0]).toMatchObject({ kind: "cpu-burn", target: "api", recovered: true });
    expect(j.faults[0]!.error).toBeUndefined();
    expect(j.metrics.requests.ok).toBeGreaterThan(0);
    // api reached db through the fault proxy built from the package's own proxy entry point.
    expect(readFileSync(join(out, "logs", "db-proxy.log"), "utf8")).toContain("fault proxy on :8080");
    expect(await leftovers(runId!)).toEqual({ containers: [], networks: [] });
  });
});
