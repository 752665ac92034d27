// `steadystate kinds`: every plug-in kind a scenario can name, read from the registries themselves, so the
// list cannot drift from what the validator accepts.
import { detectorSpecs } from "../specs/detect/registry.ts";
import { signals } from "../specs/detect/signals.ts";
import { faultSpecs } from "../specs/faults/registry.ts";
import { healActionSpecs } from "../specs/heal/registry.ts";
import { checkKindSpecs } from "../specs/checks/registry.ts";
import { loadEngineSpecs } from "../specs/load/registry.ts";
import { reporters } from "../../reports/registry.ts";

const SCOPE = { user: " [source]", container: " [target]", query: "" } as const;

interface Family {
  title: string;
  /** The scenario key that names one of them. */
  key: string;
  rows: [name: string, summary: string][];
  note?: string;
}

export function kindFamilies(): Family[] {
  return [
    { title: "faults", key: "faults[].kind", rows: Object.values(faultSpecs).map((f) => [f.kind, f.summary]) },
    { title: "load engines", key: "load.engine", rows: Object.values(loadEngineSpecs).map((e) => [e.kind, `${e.summary}; models: ${e.models.join(", ")}`]) },
    { title: "checks", key: "checks[].kind", rows: Object.values(checkKindSpecs).map((c) => [c.kind, c.summary]) },
    { title: "detectors", key: "detection.detectors[].kind", rows: Object.values(detectorSpecs).map((d) => [d.kind, d.summary]) },
    {
      title: "signals",
      key: "detection.detectors[].signal",
      rows: Object.entries(signals).map(([name, s]) => [name, `${s.description}${SCOPE[s.scope]}`]),
      note: "[source]: of the load or a probe, named by `source`; [target]: of the replicas of `target`; instead of a signal, `query` reads a PromQL instant query (needs detection.prometheus)",
    },
    { title: "heal actions", key: "heal[].action", rows: Object.values(healActionSpecs).map((a) => [a.action, a.summary]) },
    { title: "report formats", key: "report.formats", rows: Object.values(reporters).map((r) => [r.format, `writes ${r.file}`]) },
  ];
}

/** One section per family, `family` alone when given (undefined: no such family). */
export function renderKinds(family?: string): string | undefined {
  const all = kindFamilies();
  const chosen = family === undefined ? all : all.filter((f) => f.title === family || f.title.split(" ")[0] === family);
  if (!chosen.length) return undefined;
  return chosen
    .map((f) => {
      const width = Math.max(...f.rows.map(([n]) => n.length));
      return `${f.title} (${f.key}):\n${f.rows.map(([n, s]) => `  ${n.padEnd(width)}  ${s}\n`).join("")}${f.note ? `  ${f.note}\n` : ""}`;
    })
    .join("\n");
}

export const familyNames = (): string[] => kindFamilies().map((f) => f.title.split(" ")[0]!);
