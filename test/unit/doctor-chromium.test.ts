import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toolChecks } from "../../harness/cli/doctor.ts";

const chromiumRow = async (env: NodeJS.ProcessEnv) => (await toolChecks(env)).find((c) => c.name === "chromium");

describe("doctor: the chromium row", () => {
  // A `chromium` on PATH that runs would not use: doctor must not count it.
  const bin = mkdtempSync(join(tmpdir(), "steadystate-doctor-"));
  writeFileSync(join(bin, "chromium"), "#!/bin/sh\n");
  chmodSync(join(bin, "chromium"), 0o755);

  it("is ok when the binary runs use is there (STEADYSTATE_CHROMIUM), naming it", async () => {
    expect(await chromiumRow({ PATH: "/nonexistent", STEADYSTATE_CHROMIUM: process.execPath })).toEqual({
      name: "chromium",
      required: false,
      ok: true,
      detail: process.execPath,
    });
  });

  it("is absent, with the install command runs print, when runs would not find it, whatever is on PATH", async () => {
    expect(await chromiumRow({ PATH: bin, STEADYSTATE_CHROMIUM: "/nonexistent/chromium" })).toEqual({
      name: "chromium",
      required: false,
      ok: false,
      detail: "not installed (needed for browser journeys)",
      fix: "apt-get install -y --no-install-recommends chromium",
    });
  });
});
