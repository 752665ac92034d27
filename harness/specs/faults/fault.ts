// The one shape every fault kind's spec has (Toxiproxy-style: a tiny required interface). A kind declares its
// own parameters as a strict zod object (errors come out located by the scenario parser), what it needs of
// the host, and how it reads in plans; its runtime (harness/faults/) applies it and returns its undo.
import type { z } from "zod";
import type { Capability } from "./capabilities.ts";

/** Keys every fault has, whatever its kind (the kind's own params sit beside them). */
export interface FaultBase {
  kind: string;
  target: string;
  atMs: number;
  durationMs?: number;
  select?: { count?: number; percent?: number; seed?: number };
  /** Fire `times` times in all, `everyMs` apart. */
  repeat?: { everyMs: number; times: number };
}

/** The capabilities a fault of this kind needs with these parameters. */
export function needsOf<P extends object>(kind: FaultKindSpec<P>, p: P & FaultBase): readonly Capability[] {
  return typeof kind.needs === "function" ? kind.needs(p) : (kind.needs ?? []);
}

export interface FaultKindSpec<P extends object = Record<string, unknown>> {
  kind: string;
  /** One line for `--help`, docs and the "valid kinds" list. */
  summary: string;
  params: z.ZodType<P>;
  /** Whether the fault is a window (`duration` needed) or an instant. */
  window: "required" | "forbidden";
  describe(p: P & FaultBase): string;
  /** What the undo does, for `--dry-run` ("none: …" for faults the system itself must heal). */
  revert(p: P & FaultBase): string;
  /**
   * Faults naming the same setting (e.g. "memory limit") must not overlap on one target: the later one
   * would save the earlier one's value as "prior" and restore it.
   */
  exclusive?: string;
  /** Host capabilities it needs (optional, checked before any container starts; see capabilities.ts). */
  needs?: readonly Capability[] | ((p: P & FaultBase) => readonly Capability[]);
  /** What to use when a need is missing, e.g. "kind bandwidth (fault proxy)". */
  instead?: string;
  /** Acts in a fault proxy: "tcp" toxics (host side, or on a link with `from`), "http" faults (host side). */
  proxy?: "tcp" | "http";
  /** Disconnects its victims from the run network (their published ports then live on a network of their own). */
  detaches?: (p: P & FaultBase) => boolean;
}
