// The judgement, as plain data (compare.json) and as text: a terminal table, Markdown for a PR comment and
// an HTML section (compare.html is that section in a page, with a forest plot above the table). Each metric
// row: baseline, canary, shift, interval and margin, p and Holm's p, result, what would decide an
// inconclusive metric, why. Under the table, the line a release engineer pastes.
import { escapeHtml as esc, markdownCell, markdownCode } from "./escape.ts";
import { badge, htmlDocument, htmlTable, type Cell } from "./html/document.ts";
import { forestPlot, type ForestRow } from "./html/forest.ts";
import { mdTable } from "./markdown.ts";
import { table } from "./text-table.ts";
import { FAULT_METRICS, unitOf, type JudgeConfig, type JudgeMetric, type MetricUnit } from "../harness/canary/config.ts";
import { pct, type Judgement, type MetricResult } from "../harness/canary/judge.ts";
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
const intervalText = (m: MetricResult) => (m.ci ? `[${value(m, m.ci[0], true)}, ${value(m, m.ci[1], true)}]` : "—");
/** The load's own metric a row compares; undefined for any other (a query, a probe, a journey, a resource). */
const builtIn = (m: MetricResult): JudgeMetric | undefined => (m.source ? (m.source.kind === "metric" ? m.source.metric : undefined) : (m as MetricResult & { metric?: JudgeMetric }).metric);

/** What one sample of a metric is: a window of the phase, a request (proportions) or an injected fault. */
const sampleNoun = (m: MetricResult) => {
  if (m.method === "proportions") return "requests";
  const metric = builtIn(m);
  if (metric !== undefined) return (FAULT_METRICS as readonly string[]).includes(metric) ? "faults" : "windows";
  const kind = (m.source as MetricResult["source"] | undefined)?.kind;
  return kind === "query" ? "query steps" : kind === "resource" ? "stats samples" : "windows";
};

/**
 * About how many more trials a side `more` samples a side take: samples per trial is a side's n over its
 * trials; the side with the fewest samples per trial decides. Null when a side has no samples to go by.
 */
export function moreTrials(m: MetricResult, sides: Pick<Comparison, "baseline" | "canary">, more: number): number | null {
  const perTrial = [m.baseline.n / sides.baseline.trials, m.canary.n / sides.canary.trials];
  if (!perTrial.every((p) => p > 0 && Number.isFinite(p))) return null;
  return Math.max(...perTrial.map((p) => Math.ceil(more / p)));
}

/** An inconclusive metric: about how many more samples, and trials, a side would decide it ("—" otherwise). */
export function toDecideText(m: MetricResult, sides: Pick<Comparison, "baseline" | "canary">): string {
  if (m.classification !== "inconclusive") return "—";
  if (m.moreSamples === null) return "no estimate";
  const trials = moreTrials(m, sides, m.moreSamples);
  return `+${m.moreSamples} ${sampleNoun(m)}${trials === null ? "" : ` (~${trials} trial(s))`} a side`;
}

export function metricCells(m: MetricResult, sides: Pick<Comparison, "baseline" | "canary">): string[] {
  const n = (side: MetricResult["baseline"]) => (m.method === "proportions" ? ` of ${side.n}` : ` (n=${side.n})`);
  return [
    `${m.name}${m.critical ? " *" : ""}`,
    `${value(m, m.baseline.value)}${n(m.baseline)}`,
    `${value(m, m.canary.value)}${n(m.canary)}`,
    value(m, m.shift, true),
    intervalText(m),
    marginText(unitOfRow(m), m.direction, m.marginValue),
    `${pValueText(m.pValue)} / ${pValueText(m.adjustedP)}`,
    RESULT[m.classification],
    toDecideText(m, sides),
    m.reason,
  ];
}

const HEAD = (confidence: number) => ["metric", "baseline", "canary", "shift", `${Math.round(confidence * 100)}% CI`, "margin", "p / Holm p", "result", "to decide", "why"];
const RESULT_COLUMN = 7;

function headline(c: Comparison): string {
  const j = c.judgement;
  return `canary ${WORD[j.verdict]}: ${j.because}`;
}

/** The one line a release engineer pastes into a release ticket or chat: "canary fail: critical mttr higher than …". */
export const pasteLine = (c: Comparison) => `canary ${c.judgement.verdict}: ${c.judgement.because}`;

const sidesText = (c: Comparison) => `baseline ${c.baseline.path} (${c.baseline.trials} trial(s)) · canary ${c.canary.path} (${c.canary.trials} trial(s))`;
const CRITICAL_NOTE = "* critical: its failure fails the canary whatever the score";

export function comparisonText(c: Comparison): string {
  const j = c.judgement;
  const out = [
    headline(c),
    sidesText(c),
    ...j.reasons.map((r) => `  - ${r}`),
    "",
    table(HEAD(j.confidence), j.metrics.map((m) => metricCells(m, c))),
    CRITICAL_NOTE,
    `Paste: ${pasteLine(c)}`,
  ];
  return out.join("\n") + "\n";
}

export function comparisonMarkdown(c: Comparison): string {
  const j = c.judgement;
  const icon = j.verdict === "pass" ? "✅" : j.verdict === "inconclusive" ? "⚠️" : "❌";
  const out = [`## ${icon} ${markdownCell(headline(c))}`, "", `Baseline ${markdownCode(c.baseline.path)} (${c.baseline.trials} trial(s)), canary ${markdownCode(c.canary.path)} (${c.canary.trials} trial(s)).`];
  if (j.reasons.length) out.push("", ...j.reasons.map((r) => `- ${markdownCell(r)}`));
  out.push("", mdTable(HEAD(j.confidence), j.metrics.map((m) => metricCells(m, c))), "", "`*` critical: its failure fails the canary whatever the score.", "", `Paste: ${markdownCode(pasteLine(c))}`);
  return out.join("\n") + "\n";
}

/** A metric as a forest-plot row: its interval and estimate over its margin, coloured by its result. */
export function forestRow(m: MetricResult): ForestRow {
  return {
    label: `${m.name}${m.critical ? " *" : ""}`,
    kind: m.classification,
    estimate: m.shift,
    interval: m.ci,
    margin: m.marginValue,
    bad: m.direction === "increase" ? "up" : m.direction === "decrease" ? "down" : "both",
    note: `${intervalText(m)} vs margin ${marginText(unitOfRow(m), m.direction, m.marginValue)}`,
    empty: m.ci === null ? (m.classification === "nodata" ? "no data" : "no interval: too few samples") : "margin 0: nothing to scale by",
  };
}

export function comparisonForest(c: Comparison): string {
  const j = c.judgement;
  return forestPlot({
    id: "canary-forest",
    title: "Canary − baseline per metric",
    description: `canary ${c.canary.path} against baseline ${c.baseline.path}: ${pct(j.confidence)} intervals over each metric's margin`,
    rows: j.metrics.map(forestRow),
    caption: `Bar: the ${pct(j.confidence)} interval of canary − baseline; dot: the estimate (Hodges-Lehmann shift, or difference of proportions); shaded up to the dashed line: within the margin on the side where a change is bad. Each row is divided by its own margin, so the margin is at ±1 on every row; the real interval and margin are written beside it. Colour: the result (green pass, red high or low, amber inconclusive). An arrow marks an interval cut at the axis's end.`,
  });
}

export function comparisonSection(c: Comparison): string {
  const j = c.judgement;
  return [
    `<h2>Canary against baseline ${badge(WORD[j.verdict], j.verdict)}</h2>`,
    `<p>${esc(headline(c))}</p>`,
    `<p class="meta">${esc(`${sidesText(c)} · Mann-Whitney U with Hodges-Lehmann shift; error rates as proportions (Newcombe); Holm over the metrics at ${pct(j.familyLevel)}`)}</p>`,
    j.reasons.length ? `<ul class="reasons">${j.reasons.map((r) => `<li>${esc(r)}</li>`).join("")}</ul>` : "",
    comparisonForest(c),
    htmlTable(
      HEAD(j.confidence),
      j.metrics.map((m): Cell[] => metricCells(m, c).map((cell, i) => (i === RESULT_COLUMN ? { html: badge(cell, m.classification) } : cell))),
      "comparison",
    ),
    `<p class="caption">${esc(CRITICAL_NOTE)}.</p>`,
    `<p class="paste">Paste: <code>${esc(pasteLine(c))}</code></p>`,
  ].join("\n");
}

export const comparisonHtml = (c: Comparison) => htmlDocument(`canary ${WORD[c.judgement.verdict]}`, comparisonSection(c));
