// The one shape every fault kind has (Toxiproxy-style: a tiny required interface). A kind declares its
// own parameters as a strict zod object (errors come out located by the scenario parser) and returns,
// from inject, exactly how to undo what it changed.
import type Docker from "dockerode";
import type { z } from "zod";
import type { Replica } from "../targets/replica.ts";
import type { RestoreStep } from "./restore.ts";

export type Undo = () => Promise<void>;

export interface FaultContext {
  docker: Docker;
  /** The replicas this injection hits, already chosen by `select`. */
  victims: readonly Replica[];
  signal: AbortSignal;
  log(message: string): void;
  /**
   * Writes a restore step to the run's undo log (undo.json). Call it BEFORE the change it undoes, so that
   * `steadystate cleanup` can finish the undo after a SIGKILL.
   */
  willChange(step: RestoreStep): void;
  /** Unique to this run and injection: names the files and helper processes the fault creates. */
  tag: string;
}

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

export interface FaultKind<P extends object = Record<string, unknown>> {
  kind: string;
  /** One line for `--help`, docs and the "valid kinds" list. */
  summary: string;
  params: z.ZodType<P>;
  /** Whether the fault is a window (`duration` needed) or an instant. */
  window: "required" | "forbidden";
  describe(p: P & FaultBase): string;
  /** What the undo does, for `--dry-run` ("none" for faults the system itself must heal). */
  revert?(p: P & FaultBase): string;
  /**
   * Faults naming the same setting (e.g. "memory limit") must not overlap on one target: the later one
   * would save the earlier one's value as "prior" and restore it.
   */
  exclusive?: string;
  /** Applies the fault; resolves to its undo, or undefined when nothing needs undoing. */
  inject(ctx: FaultContext, p: P & FaultBase): Promise<Undo | undefined>;
}

/** Runs `act` on every victim together; one undo that undoes each in turn, all attempted. */
export async function onEachVictim(
  ctx: FaultContext,
  act: (victim: Replica) => Promise<Undo | undefined>,
): Promise<Undo | undefined> {
  const settled = await Promise.allSettled(ctx.victims.map(act));
  const undos = settled.flatMap((s) => (s.status === "fulfilled" && s.value ? [s.value] : []));
  const undoAll: Undo = async () => {
    const results = await Promise.allSettled(undos.map((u) => u()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length) throw new AggregateError(failed.map((f) => f.reason), failed.map((f) => String(f.reason?.message ?? f.reason)).join("; "));
  };
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) {
    // Undo what did apply before reporting the failure, so a half-applied fault never lingers.
    await undoAll().catch(() => undefined);
    throw rejected.reason;
  }
  return undos.length ? undoAll : undefined;
}
