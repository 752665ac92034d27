// Markdown summary (summary.md): fits a PR comment or a CI step summary.
import type { Journal } from "../harness/contracts/journal.ts";
import { count, goalText, localisationText, measuredText, ms, resultText, verdictWord } from "./format.ts";
import { detectionSection } from "./detection.ts";
import { formulaRows } from "./formulas.ts";
import type { Reporter } from "./reporter.ts";
import { markdownCell as cell } from "./escape.ts";
import { checkTable, faultTable, faultTableNote, journeyFailureTables, usersSawTable } from "./tables.ts";

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
  if (j.reasons.length) out.push("", ...j.reasons.map((r) => `- ${cell(r)}`));
  if (j.error?.fix) out.push("", `Fix: ${cell(j.error.fix)}`);

  if (j.slo.length) {
    out.push("", "## Objectives", "");
    out.push(table(["objective", "goal", "measured", "result"], j.slo.map((r) => [r.metric, goalText(r), measuredText(r), resultText(r, r.pass, { pass: "✅ pass", fail: "❌ fail" })])));
  }

  if (j.faults.length) {
    const t = faultTable(j);
    out.push("", "## Faults", "", faultTableNote(j), "", table(t.head, t.rows));
    const located = j.faults.filter((f) => f.localisation);
    if (located.length) out.push("", ...located.map((f) => `- ${f.id}: ${localisationText(f)}`));
  }
  out.push(...detectionSection(j, table));
  const checks = checkTable(j);
  if (checks.rows.length) {
    out.push("", "## Data checks", "", "Acknowledged writes are read back after recovery; an acknowledged write that is missing is lost.", "");
    out.push(table(checks.head, checks.rows));
  }

  const saw = usersSawTable(j);
  out.push("", "## What users saw", "", table(saw.head, saw.rows));
  out.push(...journeyFailures(j));
  out.push("", "## Formulas", "", table(["quantity", "formula", "value"], formulaRows([j])));

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

/** Where each failed journey stopped, with its screenshot: what the user saw. */
function journeyFailures(j: Journal): string[] {
  return journeyFailureTables(j).flatMap((t) => [
    "",
    `## Journey ${cell(t.name)}: failures`,
    "",
    table(["at", "step", "error", "screenshot"], t.rows.map((r) => [r.at, r.step, r.error, r.screenshot ? `[${r.screenshot}](${r.screenshot})` : "—"])),
    ...(t.omitted ? ["", `… and ${count(t.omitted)} more failures.`] : []),
  ]);
}

export const markdown: Reporter = { format: "markdown", file: "summary.md", render: renderMarkdown };
