// Writes the journal and the chosen reports into the run folder; the journal is always written.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Journal } from "../harness/run/journal.ts";
import { reporters } from "./registry.ts";
import type { Reporter } from "./reporter.ts";

export function writeReports(journal: Journal, dir: string, formats: readonly string[]): string[] {
  const chosen = new Set(["json", ...formats]);
  const all = reporters as Record<string, Reporter>;
  const list = [...chosen].map((f) => all[f]).filter((r): r is Reporter => r !== undefined);
  for (const r of list) journal.files[r.format] = r.file;
  return list.map((r) => {
    const file = join(dir, r.file);
    writeFileSync(file, r.render(journal));
    return file;
  });
}
