// Markdown summary (summary.md): fits a PR comment or a CI step summary.
import type { Journal } from "../harness/run/journal.ts";
import { checkText, count, goalText, measuredText, ms, mttrText, offset, pct, verdictWord } from "./format.ts";
import type { Reporter } from "./reporter.ts";
import { detectionSection } from "./detection.ts";

// Markdown renders inline HTML: text from the scenario or from errors is escaped so it shows as text.
const text = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const cell = (s: string) => text(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
const row = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
const table = (head: string[], rows: string[][]) =>
  [row(head), row(head.map(() => "---")), ...rows.map(row)].join("\n");

export function renderMarkdown(j: Journal): string {
  const icon = j.verdict === "pass" ? "✅" : j.verdict === "fail" ? "❌" : "⚠️";
  const m = j.metrics;
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
    out.push(table(["objective", "goal", "measured", "result"], j.slo.map((r) => [r.metric, goalText(r), measuredText(r), r.pass ? "✅ pass" : "❌ fail"])));
  }

  if (j.faults.length) {
    out.push("", "## Faults", "", "Times are offsets from the start of the load. MTTR = recovered − injected.", "");
    out.push(
      table(
        ["fault", "victims", "injected", "restored", "impact from", "recovered", "impact", "MTTR"],
        j.faults.map((f) => [
          f.error ? `${f.description} (${f.error})` : f.description,
          f.victims.join(", ") || "—",
          offset(j, f.injectedAt),
          offset(j, f.restoredAt),
          offset(j, f.impactStartAt),
          offset(j, f.recoveredAt),
          ms(f.impactMs),
          mttrText(f),
        ]),
      ),
    );
  }

  out.push(...detectionSection(j, table));
  if (j.checks?.length) {
    out.push("", "## Data checks", "", "Acknowledged writes are read back after recovery; an acknowledged write that is missing is lost.", "");
    out.push(table(["check", "writes", "result"], j.checks.map((c) => [c.description, `${count(c.writes.attempted)} (${count(c.writes.acked)} acknowledged)`, checkText(c)])));
  }

  out.push("", "## What users saw", "");
  const failedBy = Object.entries(m.requests.failedBy).map(([k, v]) => `${k}: ${count(v)}`).join(", ");
  out.push(
    table(
      ["measure", "value"],
      [
        ["requests", `${count(m.requests.total)} (${count(m.requests.ok)} ok, ${count(m.requests.failed)} failed${failedBy ? `: ${failedBy}` : ""})`],
        ["availability (requests: good / total)", pct(m.availability.request)],
        ["availability (time: T_up / T_total)", pct(m.availability.time)],
        ["latency p50 / p90 / p99 / max", [m.latencyMs.p50, m.latencyMs.p90, m.latencyMs.p99, m.latencyMs.max].map(ms).join(" / ")],
        ["throughput (successful)", m.throughput === null ? "—" : `${m.throughput.toFixed(1)} req/s`],
        ...Object.entries(m.probes).map(([name, p]) => [`probe ${name}`, `${pct(p.availability)} up (${count(p.failed)} of ${count(p.total)} failed)`]),
        ...Object.entries(m.journeys ?? {}).map(([name, p]) => [
          `journey ${name}`,
          `${pct(p.availability)} completed (${count(p.failed)} of ${count(p.total)} failed), p50 / p95 ${[p.latencyMs.p50, p.latencyMs.p95].map(ms).join(" / ")}`,
        ]),
        ...(m.arrivals
          ? [["arrivals (open model)", `${count(m.arrivals.sent)} sent of ${count(m.arrivals.requested)} scheduled (${m.arrivals.sentRate}/s of ${m.arrivals.requestedRate}/s), late p99 ${ms(m.arrivals.lateMs.p99)}`]]
          : []),
      ],
    ),
  );
  out.push(...journeyFailures(j));

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
  const out: string[] = [];
  for (const [name, m] of Object.entries(j.metrics.journeys ?? {})) {
    if (!m.failures.length) continue;
    out.push("", `## Journey ${cell(name)}: failures`, "");
    out.push(
      table(
        ["at", "step", "error", "screenshot"],
        m.failures.map((f) => [offset(j, f.at), f.step, f.error, f.screenshot ? `[${f.screenshot}](${f.screenshot})` : "—"]),
      ),
    );
    if (m.failuresOmitted) out.push("", `… and ${count(m.failuresOmitted)} more failures.`);
  }
  return out;
}

export const markdown: Reporter = { format: "markdown", file: "summary.md", render: renderMarkdown };
