// What a fault kind does at run time: its context (the Docker client, the victims, the topology of proxies)
// and its injection, which returns exactly how to undo what it changed. What the kind is (its spec) is in
// specs/faults/fault.ts.
import type Docker from "dockerode";
import type { RuleTarget } from "../proxy/host-proxies.ts";
import type { LinkProxy } from "../proxy/link-proxies.ts";
import type { Replica } from "../docker/replica.ts";
import type { RestoreStep } from "../contracts/restore-steps.ts";
import type { FaultBase, FaultKindSpec } from "../specs/faults/fault.ts";

export type Undo = () => Promise<void>;

/** What the run started, for faults that act between targets or through proxies. */
export interface Topology {
  /** The run's Docker network. */
  network: string;
  replicas: Readonly<Record<string, readonly Replica[]>>;
  /** The host-side fault proxy in front of a replica (present when the scenario has proxy faults on its target). */
  hostProxy(replica: Replica): RuleTarget | undefined;
  /** The fault proxy answering on a target's name (present when another target `dependsOn` it). */
  linkProxy(target: string): LinkProxy | undefined;
}

export interface FaultContext {
  docker: Docker;
  /** The replicas this injection hits, already chosen by `select`. */
  victims: readonly Replica[];
  topology: Topology;
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

/** Names what one injection (a fault's index and occurrence) of a run creates: its files, in the undo log too. */
export const faultTag = (runId: string, index: number, occurrence: number) => `${runId}-${index}-${occurrence}`;

/** What a kind does at run time: the spec says what it is, this applies it. */
export interface FaultRuntime<P extends object = Record<string, unknown>> {
  /** Applies the fault; resolves to its undo, or undefined when nothing needs undoing. */
  inject(ctx: FaultContext, p: P & FaultBase): Promise<Undo | undefined>;
}

/** A kind as the run uses it: its spec and its runtime. */
export type FaultKind<P extends object = Record<string, unknown>> = FaultKindSpec<P> & FaultRuntime<P>;

/** Throws every failure at once (each reason kept, their messages joined); nothing when none failed. */
function throwAll(reasons: readonly unknown[]): void {
  if (!reasons.length) return;
  const message = (r: unknown) => String((r as Error | undefined)?.message ?? r);
  throw new AggregateError(reasons, reasons.map(message).join("; "));
}

const rejections = (results: readonly PromiseSettledResult<unknown>[]) =>
  results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));

/**
 * One undo for the parts of a fault, made in order: undoes them newest first, each attempted even when
 * another fails, then throws every failure. Reads `undos` when called, so parts pushed later count.
 */
export function undoParts(undos: readonly Undo[]): Undo {
  return async () => {
    const reasons: unknown[] = [];
    for (const u of [...undos].reverse()) {
      try {
        await u();
      } catch (e) {
        reasons.push(e);
      }
    }
    throwAll(reasons);
  };
}

/** Runs `act` on every victim together; one undo that undoes each in turn, all attempted. */
export async function onEachVictim(
  ctx: FaultContext,
  act: (victim: Replica) => Promise<Undo | undefined>,
): Promise<Undo | undefined> {
  const settled = await Promise.allSettled(ctx.victims.map(act));
  const undos = settled.flatMap((s) => (s.status === "fulfilled" && s.value ? [s.value] : []));
  const undoAll: Undo = async () => throwAll(rejections(await Promise.allSettled(undos.map((u) => u()))));
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (rejected) {
    // Undo what did apply before reporting the failure, so a half-applied fault never lingers.
    await undoAll().catch(() => undefined);
    throw rejected.reason;
  }
  return undos.length ? undoAll : undefined;
}
