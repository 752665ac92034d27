// bench/results.json and the bench's verdict: each item's figures with when and where they were measured
// (a run of some items keeps the others' figures from the runs that measured them), goals judged, and the
// exit code. Plain data; printing is report.ts's.
import { holds } from "../harness/specs/slo/grammar.ts";
import type { Figure } from "./item.ts";
import type { Machine } from "./machine.ts";

export interface ItemResult {
  id: number;
  title: string;
  /** When the run that measured the item wrote its figures (ISO 8601). */
  generatedAt: string;
  /** The machine of that run. */
  machine: Machine;
  figures: Figure[];
  details: Record<string, unknown>;
  error?: string;
}

export interface BenchResults {
  items: ItemResult[];
}

/** A figure with a goal passes or misses it; with no value (not measured) it misses it. */
export function judge(f: Figure): Figure {
  if (!f.goal) return f;
  return { ...f, pass: f.value !== null && holds(f.value, f.goal) };
}

/** The measured items, and for the others (by id, in `order`) their figures from `previous`. */
export function mergeResults(previous: BenchResults | undefined, measured: readonly ItemResult[], order: readonly number[]): BenchResults {
  const items = order.flatMap((id) => {
    const item = measured.find((i) => i.id === id) ?? previous?.items.find((i) => i.id === id);
    return item ? [item] : [];
  });
  return { items };
}

/** Reads results.json, also as written before each item carried its run (generatedAt, machine once). */
export function readResults(text: string): BenchResults {
  const raw = JSON.parse(text) as { generatedAt?: string; machine?: Machine; items: (Omit<ItemResult, "generatedAt" | "machine"> & Partial<ItemResult>)[] };
  return { items: raw.items.map((i) => ({ ...i, generatedAt: i.generatedAt ?? raw.generatedAt!, machine: i.machine ?? raw.machine! })) };
}

/** 3 when an item failed to run, 1 when a goal is missed, else 0: of the items this run measured. */
export function exitCode(measured: readonly ItemResult[]): 0 | 1 | 3 {
  if (measured.some((i) => i.error)) return 3;
  return measured.some((i) => i.figures.some((f) => f.pass === false)) ? 1 : 0;
}
