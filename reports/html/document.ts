// The HTML shell every report page shares: one file, inline CSS, no script, nothing fetched, so it opens
// offline from file:// and from a CI artifact store alike. The Content-Security-Policy forbids any load.
import type { NotJudged } from "../../harness/contracts/journal.ts";
import { escapeHtml as esc } from "../escape.ts";
import { resultText } from "../format.ts";

/** A table cell: text (escaped here) or markup already built from escaped parts. */
export type Cell = string | { html: string };

const cell = (c: Cell) => (typeof c === "string" ? esc(c) : c.html);

export function htmlTable(head: string[], rows: Cell[][], className = ""): string {
  return [
    `<table${className ? ` class="${esc(className)}"` : ""}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>`,
    ...rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join("")}</tr>`),
    "</tbody></table>",
  ].join("\n");
}

export const badge = (word: string, kind: string) => `<span class="badge ${esc(kind)}">${esc(word)}</span>`;

/** A result badge: green passed, red failed, grey for what the run's early end left unjudged. */
export const resultBadge = (x: { notJudged?: NotJudged | undefined }, passed: boolean, words: { pass: string; fail: string }) =>
  badge(resultText(x, passed, words), x.notJudged ? "nodata" : passed ? "pass" : "fail");

const STYLE = `
:root { color-scheme: light; --ok: #047857; --bad: #b91c1c; --warn: #b45309; --muted: #6b7280; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; max-width: 980px; padding: 24px; color: #111827; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
.meta, .caption, .unit { color: var(--muted); } .caption { font-size: 12px; margin: 2px 0 0; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
.badge { display: inline-block; white-space: nowrap; padding: 1px 8px; border-radius: 10px; font-weight: 600; color: #fff; font-size: 12px; }
.badge.pass { background: var(--ok); } .badge.fail, .badge.high, .badge.low { background: var(--bad); }
.badge.error, .badge.interrupted, .badge.inconclusive { background: var(--warn); } .badge.nodata { background: var(--muted); }
h1 .badge { font-size: 15px; vertical-align: middle; }
.reasons { color: var(--bad); }
.chart-box { margin: 12px 0 18px; } .chart-box figcaption { font-weight: 600; }
svg.chart { width: 100%; height: auto; background: #fff; }
svg .grid { stroke: #f0f1f3; } svg .axis { stroke: #9ca3af; } svg .tick { font-size: 11px; fill: #6b7280; }
svg .series { fill: none; stroke-width: 1.6; }
svg .fault-band { fill: #fecaca; opacity: .45; }
svg .marker { stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .marker.detected { stroke: #d97706; } svg .marker.recovered { stroke: #047857; } svg .marker.action { stroke: #7c3aed; } svg .marker.alert { stroke: #db2777; }
.legend { font-size: 12px; color: #374151; display: flex; flex-wrap: wrap; gap: 12px; }
.legend i { display: inline-block; width: 12px; height: 3px; margin-right: 4px; vertical-align: middle; }
.legend i.band { background: #fecaca; height: 10px; } .legend i.m-detected { background: #d97706; } .legend i.m-recovered { background: #047857; }
.legend i.m-action { background: #7c3aed; } .legend i.m-alert { background: #db2777; }
svg.forest .label { font-size: 12px; fill: #111827; } svg.forest .note { font-size: 11px; fill: #374151; }
svg.forest .empty { font-size: 12px; font-style: italic; fill: var(--muted); paint-order: stroke; stroke: #fff; stroke-width: 4px; } svg.forest .axis-label { font-size: 11px; fill: #6b7280; }
svg .margin-band { fill: #dbeafe; } svg .margin-edge { stroke: #60a5fa; stroke-dasharray: 3 2; } svg .zero { stroke: #4b5563; }
svg .ci { stroke-width: 3; stroke-linecap: round; } svg .forest-row .estimate { stroke: #fff; stroke-width: 1.5; }
svg .forest-row.pass .ci { stroke: var(--ok); } svg .forest-row.pass .estimate, svg .forest-row.pass .clip { fill: var(--ok); }
svg .forest-row.high .ci, svg .forest-row.low .ci { stroke: var(--bad); }
svg .forest-row.high .estimate, svg .forest-row.low .estimate, svg .forest-row.high .clip, svg .forest-row.low .clip { fill: var(--bad); }
svg .forest-row.inconclusive .ci { stroke: var(--warn); } svg .forest-row.inconclusive .estimate, svg .forest-row.inconclusive .clip { fill: var(--warn); }
.legend i.f-ci { background: #374151; } .legend i.f-dot { width: 8px; height: 8px; border-radius: 50%; background: #374151; }
.legend i.f-band { background: #dbeafe; height: 10px; }
.paste code { user-select: all; }
code { font-size: 12px; }
`;

export function htmlDocument(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
