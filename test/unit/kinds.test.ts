// `steadystate kinds` reads the registries: every kind the validator accepts is listed, with its summary.
import { describe, expect, it } from "vitest";
import { kindFamilies, renderKinds } from "../../harness/cli/kinds.ts";
import { checkKindSpecs } from "../../harness/specs/checks/registry.ts";
import { detectorKinds } from "../../harness/specs/detect/registry.ts";
import { signalNames } from "../../harness/specs/detect/signals.ts";
import { faultKinds } from "../../harness/specs/faults/registry.ts";
import { healActionNames } from "../../harness/specs/heal/registry.ts";
import { loadEngineSpecs } from "../../harness/specs/load/registry.ts";
import { reporters } from "../../reports/registry.ts";
import { runCli } from "../integration/helpers.ts";

describe("steadystate kinds", () => {
  it("lists every registered name of every family, each with a one-line summary", () => {
    const names = Object.fromEntries(kindFamilies().map((f) => [f.title, f.rows.map(([n]) => n)]));
    expect(names).toEqual({
      faults: faultKinds,
      "load engines": Object.keys(loadEngineSpecs),
      checks: Object.keys(checkKindSpecs),
      detectors: detectorKinds,
      signals: signalNames,
      "heal actions": healActionNames,
      "report formats": Object.keys(reporters),
    });
    for (const f of kindFamilies()) for (const [n, s] of f.rows) expect(s, `${f.title} ${n}`).toMatch(/^\S[^\n]{10,}$/);
  });

  it("prints one family, aligned, under the scenario key that names it", () => {
    expect(renderKinds("heal")).toBe(
      [
        "heal actions (heal[].action):",
        "  restart    docker restart of the failing replicas (SIGTERM, SIGKILL after `grace`, start)",
        "  replace    remove the failing replica and start a new container from its image, same name and aliases",
        "  scale      add `by` replicas behind the balancer (up to `max`)",
        "  resources  raise the replicas' CPU and memory limits in place (docker update)",
        "",
      ].join("\n"),
    );
    expect(renderKinds("report")).toBe(renderKinds("report formats"));
  });

  it("an unknown family is a usage error (exit 2) naming the valid ones", { timeout: 120_000 }, async () => {
    const r = await runCli(["kinds", "toxics"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('kinds: unknown family "toxics"; valid: faults, load, checks, detectors, signals, heal, report\n');
    const all = await runCli(["kinds"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(renderKinds());
  });
});
