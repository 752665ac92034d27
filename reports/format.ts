// Formatting shared by every human-readable rendering (Markdown, terminal): one wording for one number.
import type { CheckRecord, FaultRecord, Journal, NotJudged, SloResult, Verdict } from "../harness/contracts/journal.ts";
import { formatValue } from "../harness/specs/slo/grammar.ts";
import { formatDuration, formatSize } from "../harness/contracts/units.ts";

export const VERDICT_WORDS: Readonly<Record<Verdict, string>> = { pass: "PASS", fail: "FAIL", error: "ERROR", interrupted: "INTERRUPTED" };

export function verdictWord(j: Pick<Journal, "verdict">): string {
  return VERDICT_WORDS[j.verdict];
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
  const excluded = r.excluded ? `, excluding ${r.excluded}` : "";
  if (r.never) return `never${excluded}`;
  const value = formatValue(r.measured, r.unit);
  return `${r.basis && r.measured !== null ? `${value} (${r.basis})` : value}${excluded}`;
}

/** What the run's early end left unjudged reads the same everywhere: "not judged (interrupted)". */
export function notJudgedText(cause: NotJudged): string {
  return `not judged (${cause})`;
}

/** An objective's or expectation's result in a format's own words for passed and failed, or not judged. */
export function resultText(x: { notJudged?: NotJudged | undefined }, passed: boolean, words: { pass: string; fail: string }): string {
  if (x.notJudged) return notJudgedText(x.notJudged);
  return passed ? words.pass : words.fail;
}

export function goalText(r: SloResult): string {
  return `${r.op} ${formatValue(r.goal, r.unit)}`;
}

export function detectedText(j: Journal, f: FaultRecord): string {
  return f.detectedAt === null ? "never" : `${offset(j, f.detectedAt)}${f.detectedBy ? ` by ${f.detectedBy}` : ""}`;
}

export function mttdText(f: FaultRecord): string {
  return f.mttdMs === null ? "never" : ms(f.mttdMs);
}

export function actionText(j: Journal, f: FaultRecord): string {
  return f.action ? `${f.action} at ${offset(j, f.actionAt ?? null)}` : "—";
}

export function localisationText(f: FaultRecord): string {
  const l = f.localisation;
  if (!l) return "no anomalous signal located";
  return `first anomaly: ${l.signal} on ${l.target} (${l.matchesInjected ? "matches" : "differs from"} the injected target ${f.target})`;
}

/** Peak CPU and memory per container, from the resource samples. */
export function resourceRows(j: Journal): string[][] {
  return Object.entries(j.resources ?? {})
    .filter(([, r]) => r.samples.length)
    .map(([name, r]) => [
    name,
    r.target,
    r.samples.length ? `${Math.max(...r.samples.map((s) => s.cpuPercent)).toFixed(1)}%` : "—",
    r.samples.length ? formatSize(Math.max(...r.samples.map((s) => s.memoryBytes)), "binary") : "—",
    String(r.samples.at(-1)?.restarts ?? 0),
  ]);
}

export function mttrText(f: FaultRecord): string {
  if (f.error) return "not injected";
  if (f.injectedAt === null) return "not reached";
  if (f.notJudged) return notJudgedText(f.notJudged);
  return f.recovered ? ms(f.mttrMs) : "never recovered";
}

/** What a data check found, in one phrase: "0 of 412 acknowledged writes lost". */
export function checkText(c: CheckRecord): string {
  if (c.notJudged) return notJudgedText(c.notJudged);
  if (c.lost === null) return c.error ?? "not verified";
  const extra = c.unackedPresent ? `; ${count(c.unackedPresent)} unacknowledged but present` : "";
  return `${count(c.lost)} of ${count(c.writes.acked)} acknowledged writes lost${extra}`;
}

/** What a backup-restore drill found: "restored in 1.2s (backup 300ms): 0 of 412 acknowledged writes lost". */
export function drillText(c: CheckRecord): string {
  const d = c.drill;
  if (!d) return "—";
  if (c.notJudged) return notJudgedText(c.notJudged);
  const restored = d.restoreMs === null ? "not restored" : `restored in ${ms(d.restoreMs)} (backup ${ms(d.backupMs)})`;
  return d.lost === null ? `${restored}: ${d.error ?? "not verified"}` : `${restored}: ${count(d.lost)} of ${count(c.writes.acked)} acknowledged writes lost`;
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(3).replace(/\.?0+$/, "")}%`;
}

export function count(n: number): string {
  return n.toLocaleString("en-US");
}

export { detects } from "../harness/contracts/journal.ts";
