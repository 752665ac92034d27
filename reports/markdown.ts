// Markdown summary (summary.md): fits a PR comment or a CI step summary.
import type { Journal } from "../harness/run/journal.ts";
import { goalText, localisationText, measuredText, ms, resourceRows, verdictWord } from "./format.ts";
import { formulaRows } from "./formulas.ts";
import type { Reporter } from "./reporter.ts";
import { alertTable, expectationTable, faultTable, faultTableNote, usersSawTable } from "./tables.ts";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const row = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
export const mdTable = (head: string[], rows: string[][]) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");
const table = mdTable;

export function renderMarkdown(j: Journal): string {
  const icon = j.verdict === "pass" ? "✅" : j.verdict === "fail" ? "❌" : "⚠️";
  const out: string[] = [
    `# ${icon} ${cell(j.scenario.name)}: ${verdictWord(j)}`,
    "",
    `Run \`${j.runId}\` · started ${new Date(j.startedAt).toISOString()} · load ${ms(j.scenario.loadDurationMs)} · ` +
      `wall time ${ms(j.endedAt - j.startedAt)}`,
  ];
  if (j.reasons.length) out.push("", ...j.reasons.map((r) => `- ${r}`));
  if (j.error?.fix) out.push("", `Fix: ${j.error.fix}`);

  if (j.slo.length) {
    out.push("", "## Objectives", "");
    out.push(table(["objective", "goal", "measured", "result"], j.slo.map((r) => [r.metric, goalText(r), measuredText(r), r.pass ? "✅ pass" : "❌ fail"])));
  }

  if (j.faults.length) {
    const t = faultTable(j);
    out.push("", "## Faults", "", faultTableNote(j), "", table(t.head, t.rows));
    const located = j.faults.filter((f) => f.localisation !== undefined);
    if (located.length) out.push("", ...located.map((f) => `- ${f.id}: ${localisationText(f)}`));
  }
  if (j.expectations?.length || j.alerts?.length) {
    out.push("", "## Alerts", "");
    if (j.expectations?.length) {
      const t = expectationTable(j);
      out.push(table(t.head, t.rows.map((r, i) => [...r, t.met[i] ? "✅ fired" : "❌ missed"])), "");
    }
    if (j.alerts?.length) out.push(table(alertTable(j).head, alertTable(j).rows));
  }

  const saw = usersSawTable(j);
  out.push("", "## What users saw", "", table(saw.head, saw.rows));
  out.push("", "## Formulas", "", table(["quantity", "formula", "value"], formulaRows([j])));
  if (j.resources && Object.keys(j.resources).length) {
    out.push("", "## Containers", "", table(["container", "target", "peak CPU", "peak memory", "restarts"], resourceRows(j)));
  }

  const h = j.hypothesis;
  out.push(
    "",
    "## Steady-state hypothesis",
    "",
    `${h.conditions.join(", ") || "no conditions"} per ${ms(h.windowMs)} window; recovered = holds for ${ms(h.stableForMs)}.`,
    `Held in ${h.windows.held} of ${h.windows.total} windows` +
      (h.before ? `; before the first fault: ${h.before.held} of ${h.before.windows}.` : "."),
  );
  if (Object.keys(j.files).length) {
    out.push("", "## Files", "", ...Object.entries(j.files).map(([k, v]) => `- ${k}: \`${v}\``));
  }
  return out.join("\n") + "\n";
}

export const markdown: Reporter = { format: "markdown", file: "summary.md", render: renderMarkdown };
