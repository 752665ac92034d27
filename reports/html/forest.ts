// A forest plot as inline SVG (no script, no network): one row per compared quantity, its interval as a
// horizontal bar with the estimate as a dot, the zero line, and the margin band. Quantities in different
// units (ms, per second, percentage points) share one plot because each row is drawn on its own scale,
// divided by its margin: x = value / margin, so the margin sits at ±1 on every row. The real numbers, in the
// row's unit, are written beside it. Every text goes through the escaping point.
import { escapeHtml as esc } from "../escape.ts";

/** Which side of zero a change is bad on: the margin band is drawn there. */
export type BadSide = "up" | "down" | "both";

export interface ForestRow {
  label: string;
  /** The row's colour: pass, high, low, inconclusive, nodata. */
  kind: string;
  /** Estimate, interval and margin in the row's unit; the margin must be above 0 to draw the row. */
  estimate: number | null;
  interval: [number, number] | null;
  margin: number | null;
  bad: BadSide;
  /** Written beside the row: its interval and margin in its unit. */
  note: string;
  /** Written in the plot instead of the bar when the row has no interval (or no margin to scale it by). */
  empty: string;
}

export interface ForestSpec {
  id: string;
  title: string;
  /** What the SVG shows, for screen readers and as a tooltip (e.g. which folders are compared). */
  description: string;
  rows: ForestRow[];
  caption?: string;
}

export const FOREST = {
  width: 920,
  rowHeight: 26,
  top: 10,
  /** Below the last row: the axis, its ticks and its label. */
  bottom: 44,
  labelX: 8,
  plotLeft: 200,
  plotRight: 600,
  noteX: 616,
  /** Half the axis never goes below this (the margin at ±1 stays well inside) nor above the cap. */
  minHalf: 2,
  maxHalf: 10,
} as const;

const fmt = (v: number) => String(Math.round(v * 100) / 100);

/** Whether a row is drawn as a bar: an interval and a positive, finite margin to divide it by. */
const drawable = (r: ForestRow): r is ForestRow & { interval: [number, number]; margin: number } =>
  r.interval !== null && r.margin !== null && r.margin > 0 && Number.isFinite(r.margin) && r.interval.every(Number.isFinite);

/** Half the x axis, in margins: the largest |value / margin| with 5% room, rounded up (to even above 5), within [minHalf, maxHalf]. */
export function forestHalfWidth(rows: ForestRow[]): number {
  const reach = Math.max(0, ...rows.filter(drawable).flatMap((r) => [...r.interval, r.estimate ?? 0].map((v) => Math.abs(v / r.margin))));
  const half = Math.min(FOREST.maxHalf, Math.max(FOREST.minHalf, Math.ceil(reach * 1.05)));
  return half > 5 ? Math.min(FOREST.maxHalf, Math.ceil(half / 2) * 2) : half;
}

export function forestPlot(f: ForestSpec): string {
  const { width, rowHeight, top, bottom, labelX, plotLeft, plotRight, noteX } = FOREST;
  const half = forestHalfWidth(f.rows);
  const height = top + f.rows.length * rowHeight + bottom;
  const axisY = top + f.rows.length * rowHeight;
  const clamp = (u: number) => Math.max(-half, Math.min(half, u));
  /** x of a value already divided by its margin. */
  const x = (u: number) => plotLeft + ((clamp(u) + half) / (2 * half)) * (plotRight - plotLeft);
  const out: string[] = [
    `<figure class="chart-box forest-box"><figcaption>${esc(f.title)} <span class="unit">(each row ÷ its margin: the margin is ±1)</span></figcaption>`,
    `<svg class="chart forest" data-chart="${esc(f.id)}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(f.title)}">`,
    `<title>${esc(f.title)}</title><desc>${esc(f.description)}</desc>`,
  ];
  const step = half > 5 ? 2 : 1;
  for (let u = -half; u <= half; u += step) {
    out.push(`<line class="grid" x1="${fmt(x(u))}" x2="${fmt(x(u))}" y1="${top}" y2="${axisY}"/>`);
    out.push(`<text class="tick" x="${fmt(x(u))}" y="${axisY + 14}" text-anchor="middle">${esc(u > 0 ? `+${u}` : u < 0 ? `−${-u}` : "0")}</text>`);
  }
  out.push(`<line class="zero" x1="${fmt(x(0))}" x2="${fmt(x(0))}" y1="${top}" y2="${axisY}"/>`);
  f.rows.forEach((r, i) => {
    const y0 = top + i * rowHeight;
    const y = y0 + rowHeight / 2;
    out.push(`<g class="forest-row ${esc(r.kind)}" data-metric="${esc(r.label)}">`);
    out.push(`<text class="label" x="${labelX}" y="${fmt(y + 4)}">${esc(r.label)}</text>`);
    if (drawable(r)) {
      const [from, to] = r.bad === "up" ? [0, 1] : r.bad === "down" ? [-1, 0] : [-1, 1];
      out.push(`<rect class="margin-band" x="${fmt(x(from))}" y="${fmt(y0 + 3)}" width="${fmt(x(to) - x(from))}" height="${rowHeight - 6}"/>`);
      for (const edge of r.bad === "both" ? [-1, 1] : [r.bad === "up" ? 1 : -1]) {
        out.push(`<line class="margin-edge" x1="${fmt(x(edge))}" x2="${fmt(x(edge))}" y1="${fmt(y0 + 3)}" y2="${fmt(y0 + rowHeight - 3)}"/>`);
      }
      const [lo, hi] = r.interval.map((v) => v / r.margin) as [number, number];
      const clipped = [lo < -half ? "low" : "", hi > half ? "high" : ""].filter(Boolean).join(" ");
      out.push(`<line class="ci" x1="${fmt(x(lo))}" x2="${fmt(x(hi))}" y1="${fmt(y)}" y2="${fmt(y)}"${clipped ? ` data-clipped="${clipped}"` : ""}><title>${esc(`${r.label}: ${r.note}`)}</title></line>`);
      if (lo < -half) out.push(`<path class="clip" d="M${fmt(x(-half))},${fmt(y)}l6,-4v8z"/>`);
      if (hi > half) out.push(`<path class="clip" d="M${fmt(x(half))},${fmt(y)}l-6,-4v8z"/>`);
      if (r.estimate !== null && Number.isFinite(r.estimate)) out.push(`<circle class="estimate" cx="${fmt(x(r.estimate / r.margin))}" cy="${fmt(y)}" r="4"/>`);
      out.push(`<text class="note" x="${noteX}" y="${fmt(y + 4)}">${esc(r.note)}</text>`);
    } else {
      out.push(`<text class="empty" x="${fmt(x(0))}" y="${fmt(y + 4)}" text-anchor="middle">${esc(r.empty)}</text>`);
    }
    out.push("</g>");
  });
  out.push(`<line class="axis" x1="${plotLeft}" x2="${plotRight}" y1="${axisY}" y2="${axisY}"/>`);
  out.push(`<text class="axis-label" x="${fmt((plotLeft + plotRight) / 2)}" y="${axisY + 34}" text-anchor="middle">${esc("(canary − baseline) ÷ the row's margin: the margin is at ±1")}</text>`);
  out.push("</svg>");
  out.push(
    `<div class="legend"><span><i class="f-ci"></i>interval</span><span><i class="f-dot"></i>estimate</span><span><i class="f-band"></i>within the margin, on the side a change is bad</span></div>`,
  );
  if (f.caption) out.push(`<p class="caption">${esc(f.caption)}</p>`);
  out.push("</figure>");
  return out.join("\n");
}
