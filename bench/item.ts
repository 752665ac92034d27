// The one shape of a benchmark item: it measures, then returns plain figures (autocannon style: results
// are data, printing is separate). Each figure may carry a goal; pass/fail is decided from it (results.ts).
import type Docker from "dockerode";
import type { Op } from "../harness/specs/slo/grammar.ts";
import type { Teardown } from "../harness/contracts/teardown.ts";

export type FigureUnit = "ratio" | "ms" | "s" | "MB" | "bytes" | "req/s" | "pairs";

export interface Figure {
  name: string;
  value: number | null;
  unit: FigureUnit;
  goal?: { op: Op; value: number };
  /** Undefined when the figure has no goal; false when it has one and no value (not measured). */
  pass?: boolean;
  note?: string;
  /** Why `value` is null (e.g. a tool is not installed): said where a goal counts as missed. */
  missing?: string;
}

export interface BenchContext {
  docker: Docker;
  /** Label value for everything the bench itself creates (`steadystate cleanup --run <id>` removes it). */
  benchId: string;
  /** Undo of everything the bench started; unwound after each item and on SIGINT/SIGTERM. */
  teardown: Teardown;
  /** Repeats of items that run scenarios (--repeats or BENCH_REPEATS, default 5). */
  repeats: number;
  /** Scratch folder for run folders and journals. */
  workDir: string;
  /** Values shared between items (e.g. the one-hour journal of item 4 read by item 5). */
  shared: Map<string, Promise<unknown>>;
  log(message: string): void;
}

export interface BenchResult {
  figures: Figure[];
  /** Raw measurements behind the figures, for results.json. */
  details: Record<string, unknown>;
}

export interface BenchItem {
  /** The item's number in the benchmark list (fixed: README and results.json refer to it). */
  id: number;
  title: string;
  /** Computed, not measured on containers: the bench warms no images for it. */
  simulated?: boolean;
  run(ctx: BenchContext): Promise<BenchResult>;
}
