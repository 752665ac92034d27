// The judgement, as plain data (compare.json) and as text: a terminal table, Markdown for a PR comment and
// an HTML section (compare.html is that section in a page). Each metric row: baseline, canary, shift, interval, result.
import { escapeHtml as esc } from "./escape.ts";
import { badge, htmlDocument, htmlTable } from "./html/document.ts";
import { mdTable } from "./markdown.ts";
import { table } from "./text-table.ts";
import { unitOf, type JudgeConfig, type JudgeMetric, type MetricUnit } from "../harness/canary/config.ts";
import type { Judgement, MetricResult } from "../harness/canary/judge.ts";
import { marginText, metricValueText, pValueText } from "../harness/canary/values.ts";

export interface SideInfo {
  path: string;
  trials: number;
  runIds: string[];
}

export interface Comparison {
  schemaVersion: 1;
  kind: "comparison";
  baseline: SideInfo;
  canary: SideInfo;
  config: JudgeConfig;
  judgement: Judgement;
}

const WORD = { pass: "PASS", fail: "FAIL", inconclusive: "INCONCLUSIVE" } as const;
const RESULT = { pass: "pass", high: "HIGH", low: "LOW", inconclusive: "inconclusive", nodata: "no data" } as const;

/** The row's unit; a compare.json written before rows had one names its built-in metric instead. */
const unitOfRow = (m: MetricResult): MetricUnit => m.unit ?? unitOf((m as MetricResult & { metric: JudgeMetric }).metric);
const value = (m: MetricResult, v: number | null, signed = false) => metricValueText(unitOfRow(m), v, signed);

export function metricCells(m: MetricResult): string[] {
  const n = (side: MetricResult["baseline"]) => (m.method === "proportions" ? ` of ${side.n}` : ` (n=${side.n})`);
  return [
    `${m.name}${m.critical ? " *" : ""}`,
    `${value(m, m.baseline.value)}${n(m.baseline)}`,
    `${value(m, m.canary.value)}${n(m.canary)}`,
    value(m, m.shift, true),
    m.ci ? `[${value(m, m.ci[0], true)}, ${value(m, m.ci[1], true)}]` : "—",
    marginText(unitOfRow(m), m.direction, m.marginValue),
    `${pValueText(m.pValue)} / ${pValueText(m.adjustedP)}`,
    RESULT[m.classification],
    m.reason,
  ];
}

const HEAD = (confidence: number) => ["metric", "baseline", "canary", "shift", `${Math.round(confidence * 100)}% CI`, "margin", "p / Holm p", "result", "why"];

function headline(c: Comparison): string {
  const j = c.judgement;
  return `canary ${WORD[j.verdict]}: ${j.because}`;
}

export function comparisonText(c: Comparison): string {
  const j = c.judgement;
  const out = [
    headline(c),
    `baseline ${c.baseline.path} (${c.baseline.trials} trial(s)) · canary ${c.canary.path} (${c.canary.trials} trial(s))`,
    ...j.reasons.map((r) => `  - ${r}`),
    "",
    table(HEAD(j.confidence), j.metrics.map((m) => metricCells(m))),
    "* critical: its failure fails the canary whatever the score",
  ];
  return out.join("\n") + "\n";
}

export function comparisonMarkdown(c: Comparison): string {
  const j = c.judgement;
  const icon = j.verdict === "pass" ? "✅" : j.verdict === "inconclusive" ? "⚠️" : "❌";
  const out = [`## ${icon} ${headline(c)}`, "", `Baseline \`${c.baseline.path}\` (${c.baseline.trials} trial(s)), canary \`${c.canary.path}\` (${c.canary.trials} trial(s)).`];
  if (j.reasons.length) out.push("", ...j.reasons.map((r) => `- ${r}`));
  out.push("", mdTable(HEAD(j.confidence), j.metrics.map((m) => metricCells(m))), "", "`*` critical: its failure fails the canary whatever the score.");
  return out.join("\n") + "\n";
}

export function comparisonSection(c: Comparison): string {
  const j = c.judgement;
  return [
    `<h2>Canary against baseline ${badge(WORD[j.verdict], j.verdict)}</h2>`,
    `<p>${esc(headline(c))}</p>`,
    `<p class="meta">${esc(`baseline ${c.baseline.path} (${c.baseline.trials} trial(s)) · canary ${c.canary.path} (${c.canary.trials} trial(s)) · Mann-Whitney U with Hodges-Lehmann shift; error rates as proportions (Newcombe)`)}</p>`,
    j.reasons.length ? `<ul class="reasons">${j.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>` : "",
    htmlTable(
      HEAD(j.confidence),
      j.metrics.map((m) => {
        const cells = metricCells(m);
        return [...cells.slice(0, 7), { html: badge(cells[7]!, m.classification) }, cells[8]!];
      }),
      "comparison",
    ),
    `<p class="caption">* critical: its failure fails the canary whatever the score.</p>`,
  ].join("\n");
}

export const comparisonHtml = (c: Comparison) => htmlDocument(`canary ${WORD[c.judgement.verdict]}`, comparisonSection(c));
