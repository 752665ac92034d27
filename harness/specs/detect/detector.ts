// The spec of a built-in detector kind: its name, its line for `steadystate kinds`, its strict parameters
// (quantities in the unit of the watched signal) and how a configured one reads. What it does over a series
// is its runtime (harness/detect/detector.ts), registered under the same name.
import type { z } from "zod";

/** Which side of the baseline counts as anomalous. */
export type Direction = "up" | "down" | "both";
export const DIRECTIONS: readonly Direction[] = ["up", "down", "both"];

/** How a signal's quantities are written, and the smallest σ worth standardising by. */
export interface SignalUnit {
  value: z.ZodType<number>;
  minSigma: number;
}

export interface DetectorKindSpec<P> {
  kind: string;
  /** Watches several signals at once (`signals: [...]` instead of `signal`). */
  multivariate?: true;
  /** One line for `steadystate kinds`: when it is alarmed. */
  summary: string;
  /** The kind's own keys, strict; quantities are read in the unit of the watched signal. */
  params(unit: SignalUnit): z.ZodType<P>;
  describe(p: P): string;
}

/** The parameters a detector kind's spec parses to. */
export type DetectorParams<D> = D extends DetectorKindSpec<infer P> ? P : never;
