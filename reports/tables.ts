// The contents of the tables a run's reports share (Markdown and HTML format them, each its own way):
// faults, expected alerts, alerts, data checks, journey failures and what users saw. One wording for one
// table.
import type { Expectation, Journal } from "../harness/contracts/journal.ts";
import { actionText, checkText, count, drillText, detectedText, detects, ms, mttdText, mttrText, offset, pct } from "./format.ts";

export interface TextTable {
  head: string[];
  rows: string[][];
}

export function faultTable(j: Journal): TextTable {
  const detection = detects(j);
  return {
    head: ["fault", "victims", "injected", "restored", "impact from", ...(detection ? ["detected", "MTTD", "action", "MTTA"] : []), "recovered", "impact", "MTTR"],
    rows: j.faults.map((f) => [
      `${f.id}: ${f.description}${f.error ? ` (${f.error})` : ""}`,
      f.victims.join(", ") || "—",
      offset(j, f.injectedAt),
      offset(j, f.restoredAt),
      offset(j, f.impactStartAt),
      ...(detection ? [detectedText(j, f), mttdText(f), actionText(j, f), ms(f.mttaMs)] : []),
      offset(j, f.recoveredAt),
      ms(f.impactMs),
      mttrText(f),
    ]),
  };
}

export const faultTableNote = (j: Journal) =>
  `Times are offsets from the start of the load. MTTR = recovered − injected${detects(j) ? "; MTTD = detected − injected; MTTA = action − detected" : ""}.`;

/** Expected alerts, without the result column (each format shows met / missed / not judged its own way). */
export function expectationTable(j: Journal): TextTable & { expectations: Expectation[] } {
  const list = j.detection?.expectations ?? [];
  return {
    head: ["expected alert", "after", "within", "fired", "result"],
    rows: list.map((e) => [e.alert, e.fault, ms(e.withinMs), e.firedAt === null ? "never" : `${offset(j, e.firedAt)} (after ${ms(e.delayMs)})`]),
    expectations: list,
  };
}

/** Acknowledged writes read back after recovery, per data check; and after the restore, when a check drills one. */
export function checkTable(j: Journal): TextTable {
  const checks = j.checks ?? [];
  const drills = checks.some((c) => c.drill);
  return {
    head: ["check", "writes", "result", ...(drills ? ["backup-restore"] : [])],
    rows: checks.map((c) => [c.description, `${count(c.writes.attempted)} (${count(c.writes.acked)} acknowledged)`, checkText(c), ...(drills ? [drillText(c)] : [])]),
  };
}

/** Where each failed journey stopped; `screenshot` is relative to the run folder (each format links it its own way). */
export function journeyFailureTables(j: Journal): { name: string; rows: { at: string; step: string; error: string; screenshot: string | null }[]; omitted: number }[] {
  return Object.entries(j.metrics.journeys ?? {})
    .filter(([, m]) => m.failures.length)
    .map(([name, m]) => ({
      name,
      rows: m.failures.map((f) => ({ at: offset(j, f.at), step: f.step, error: f.error, screenshot: f.screenshot })),
      omitted: m.failuresOmitted,
    }));
}

export function alertTable(j: Journal): TextTable {
  return {
    head: ["alert", "state", "at", "labels"],
    rows: (j.alerts ?? []).map((a) => [a.name, a.state, offset(j, a.at), Object.entries(a.labels).map(([k, v]) => `${k}=${v}`).join(", ")]),
  };
}

export function usersSawTable(j: Journal): TextTable {
  const m = j.metrics;
  const failedBy = Object.entries(m.requests.failedBy).map(([k, v]) => `${k}: ${count(v)}`).join(", ");
  return {
    head: ["measure", "value"],
    rows: [
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
  };
}
