// Line charts as inline SVG (no script, no network): time on x, one path per series, shaded bands (fault
// windows) and vertical markers (detection, recovery). Points with a null value break the line.
import { escapeHtml as esc } from "../escape.ts";

export interface ChartSeries {
  name: string;
  color: string;
  points: { t: number; v: number | null }[];
}

export interface ChartBand {
  from: number;
  to: number;
  label: string;
}

export interface ChartMarker {
  t: number;
  kind: "detected" | "recovered" | "action" | "alert";
  label: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  unit: string;
  /** Time axis in seconds from the load start. */
  tMin: number;
  tMax: number;
  series: ChartSeries[];
  /** Fixed top of the y axis (e.g. 100 for percentages); otherwise from the data. */
  yMax?: number;
  bands?: ChartBand[];
  markers?: ChartMarker[];
  caption?: string;
}

const W = 920;
const H = 230;
const M = { left: 64, right: 16, top: 14, bottom: 30 };

/** A round step giving about `target` ticks over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
}

const fmt = (v: number) => String(Math.round(v * 100) / 100);

export function lineChart(c: ChartSpec): string {
  const values = c.series.flatMap((s) => s.points.map((p) => p.v).filter((v): v is number => v !== null));
  const yStep = niceStep(c.yMax ?? (Math.max(...values, 1e-9) * 1.1 || 1), 4);
  const yMax = c.yMax ?? Math.max(yStep, Math.ceil((Math.max(...values, 0) * 1.05) / yStep) * yStep);
  const tSpan = Math.max(c.tMax - c.tMin, 1e-9);
  const x = (t: number) => M.left + ((t - c.tMin) / tSpan) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - (v / yMax) * (H - M.top - M.bottom);
  const out: string[] = [
    `<figure class="chart-box"><figcaption>${esc(c.title)} <span class="unit">(${esc(c.unit)})</span></figcaption>`,
    `<svg class="chart" data-chart="${esc(c.id)}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(c.title)}">`,
  ];
  for (const b of c.bands ?? []) {
    const x0 = x(Math.max(c.tMin, b.from));
    const x1 = x(Math.min(c.tMax, b.to));
    out.push(`<rect class="fault-band" x="${fmt(x0)}" y="${M.top}" width="${fmt(Math.max(1, x1 - x0))}" height="${H - M.top - M.bottom}"><title>${esc(b.label)}</title></rect>`);
  }
  for (let v = 0; v <= yMax + 1e-9; v += yStep) {
    out.push(`<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}"/>`);
    out.push(`<text class="tick" x="${M.left - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${esc(fmt(v))}</text>`);
  }
  const tStep = niceStep(tSpan, 10);
  for (let t = Math.ceil(c.tMin / tStep) * tStep; t <= c.tMax + 1e-9; t += tStep) {
    out.push(`<text class="tick" x="${fmt(x(t))}" y="${H - 10}" text-anchor="middle">${esc(fmt(t))}s</text>`);
  }
  out.push(`<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}"/>`);
  for (const s of c.series) {
    let d = "";
    let pen = false;
    let count = 0;
    for (const p of s.points) {
      if (p.v === null) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${fmt(x(p.t))},${fmt(y(p.v))}`;
      pen = true;
      count++;
    }
    out.push(`<path class="series" data-series="${esc(s.name)}" data-points="${count}" d="${d}" stroke="${esc(s.color)}"><title>${esc(s.name)}</title></path>`);
  }
  for (const m of c.markers ?? []) {
    if (m.t < c.tMin || m.t > c.tMax) continue;
    out.push(`<line class="marker ${m.kind}" x1="${fmt(x(m.t))}" x2="${fmt(x(m.t))}" y1="${M.top}" y2="${H - M.bottom}"><title>${esc(m.label)}</title></line>`);
  }
  out.push("</svg>");
  const legend = [
    ...c.series.map((s) => `<span><i style="background:${esc(s.color)}"></i>${esc(s.name)}</span>`),
    ...(c.bands?.length ? ['<span><i class="band"></i>fault window</span>'] : []),
    ...[...new Set((c.markers ?? []).map((m) => m.kind))].map((k) => `<span><i class="m-${k}"></i>${k}</span>`),
  ];
  out.push(`<div class="legend">${legend.join("")}</div>`);
  if (c.caption) out.push(`<p class="caption">${esc(c.caption)}</p>`);
  out.push("</figure>");
  return out.join("\n");
}
