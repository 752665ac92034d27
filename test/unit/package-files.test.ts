// Files the CLI reads by path at run time are found from the package's root, so that the bundle in dist/
// finds them as the TypeScript sources do (test/integration/package.test.ts runs the installed package).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT, PACKAGE_VERSION, packageFile } from "../../harness/host/package-files.ts";
import { VERSION } from "../../harness/run/verdict.ts";

const ROOT = join(import.meta.dirname, "..", "..");

describe("package files", () => {
  it("finds the package's root and version from the sources", () => {
    expect(PACKAGE_ROOT).toBe(ROOT);
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; files: string[] };
    expect(PACKAGE_VERSION).toBe(manifest.version);
    expect(VERSION).toBe(manifest.version);
  });

  it("resolves the proxy's entry point and the cpu burner to files the package ships", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { files: string[] };
    for (const file of [packageFile("harness", "proxy", "main.ts"), packageFile("harness", "faults", "burner.mjs")]) {
      expect(existsSync(file), file).toBe(true);
      const rel = file.slice(ROOT.length + 1);
      expect(manifest.files.some((f) => rel === f || rel.startsWith(`${f}/`)), rel).toBe(true);
    }
  });
});
