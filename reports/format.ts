// Formatting shared by every human-readable rendering (Markdown, terminal): one wording for one number.
import type { CheckRecord } from "../harness/checks/check.ts";
import type { FaultRecord, Journal, SloResult } from "../harness/run/journal.ts";
import { formatValue } from "../harness/slo/grammar.ts";
import { formatDuration } from "../harness/scenario/units.ts";

export function verdictWord(j: Journal): string {
  return { pass: "PASS", fail: "FAIL", error: "ERROR", interrupted: "INTERRUPTED" }[j.verdict];
}

/** A timestamp as an offset from the load start: "+8.012s". */
export function offset(j: Journal, at: number | null): string {
  if (at === null) return "—";
  const base = j.loadStartedAt ?? j.startedAt;
  const s = (at - base) / 1_000;
  return `${s < 0 ? "−" : "+"}${Math.abs(s).toFixed(3)}s`;
}

export function ms(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : formatDuration(value);
}

export function measuredText(r: SloResult): string {
  return r.never ? "never" : formatValue(r.measured, r.unit);
}

export function goalText(r: SloResult): string {
  return `${r.op} ${formatValue(r.goal, r.unit)}`;
}

export function mttrText(f: FaultRecord): string {
  if (f.error) return "not injected";
  if (f.injectedAt === null) return "not reached";
  return f.recovered ? ms(f.mttrMs) : "never recovered";
}

/** What a data check found, in one phrase: "0 of 412 acknowledged writes lost". */
export function checkText(c: CheckRecord): string {
  if (c.lost === null) return c.error ?? "not verified";
  const extra = c.unackedPresent ? `; ${count(c.unackedPresent)} unacknowledged but present` : "";
  return `${count(c.lost)} of ${count(c.writes.acked)} acknowledged writes lost${extra}`;
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(3).replace(/\.?0+$/, "")}%`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** Whether anything in the run could detect a fault (alerts or detectors configured). */
export function detects(j: Journal): boolean {
  const d = j.detection;
  return d !== null && (d.prometheusUrl !== null || d.alertmanagerUrl !== null || d.detectors.length > 0);
}
