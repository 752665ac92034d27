// Fires the planned faults on time relative to the load start. Each injection logs its restore steps in
// the undo log before changing anything and pushes its undo on the teardown stack, so whatever happens
// next (window end, error, signal, a stop condition, even a SIGKILL followed by `cleanup`) it is undone.
import type Docker from "dockerode";
import { faultTag, type Topology } from "../faults/fault.ts";
import { applySteps } from "../faults/restore.ts";
import { drawsVictims } from "../faults/select.ts";
import type { Replica } from "../docker/replica.ts";
import { scheduledFault, type FaultRecord } from "../contracts/journal.ts";
import type { PlannedFault } from "./schedule.ts";
import { sleep } from "../contracts/time.ts";
import type { Teardown, UndoHandle } from "../contracts/teardown.ts";
import type { UndoLog } from "./undo-log.ts";

export interface InjectContext {
  docker: Docker;
  runId: string;
  teardown: Teardown;
  undoLog: UndoLog;
  replicas: Record<string, Replica[]>;
  topology: Topology;
  signal: AbortSignal;
  event(type: string, message: string): void;
  /** Throws when a victim lies outside the run's blast radius. */
  guard?(victims: readonly Replica[]): Promise<void>;
}

export class FaultRunner {
  private readonly records = new Map<string, FaultRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  private readonly activeFaults = new Map<string, UndoHandle>();
  /** Ends every fault window early (a stop condition held). */
  private readonly halted = new AbortController();

  constructor(
    private readonly ctx: InjectContext,
    private readonly plan: readonly PlannedFault[],
  ) {
    for (const p of plan) {
      this.records.set(
        p.id,
        scheduledFault({
          id: p.id,
          kind: p.spec.kind,
          target: p.spec.target,
          description: p.description,
          victims: p.victims.map((i) => ctx.replicas[p.spec.target]![i]!.containerName),
          seed: drawsVictims(p.spec.select) ? p.seed : null,
          atMs: p.atMs,
          durationMs: p.spec.durationMs ?? null,
        }),
      );
    }
  }

  start(loadStartedAt: number): void {
    for (const p of this.plan) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.track(this.fire(p));
      }, Math.max(0, loadStartedAt + p.atMs - Date.now()));
      this.timers.add(timer);
    }
  }

  /** Faults in effect now, for live progress. */
  active(): string[] {
    return [...this.activeFaults.keys()].map((id) => this.records.get(id)!.description);
  }

  /** Cancels faults not yet fired and waits for those in progress (their windows end on schedule). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Stops all faults at once: nothing more fires, every fault in effect is undone now, together. */
  async halt(): Promise<void> {
    this.halted.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.activeFaults.values()].map((h) => h.run()));
    await this.stop();
  }

  results(): FaultRecord[] {
    return [...this.records.values()];
  }

  private track(p: Promise<void>): void {
    const tracked = p.finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private async fire(p: PlannedFault): Promise<void> {
    const record = this.records.get(p.id)!;
    if (this.ctx.signal.aborted || this.halted.signal.aborted) return;
    const victims = p.victims.map((i) => this.ctx.replicas[p.spec.target]![i]!);
    const { undoLog } = this.ctx;
    const injectedAt = Date.now();
    let undo;
    try {
      await this.ctx.guard?.(victims);
      undo = await p.kind.inject(
        {
          docker: this.ctx.docker,
          victims,
          topology: this.ctx.topology,
          signal: this.ctx.signal,
          log: (m) => this.ctx.event("fault", m),
          willChange: (step) => undoLog.add(p.id, p.description, step),
          tag: faultTag(this.ctx.runId, p.spec.index, p.occurrence),
        },
        p.spec,
      );
    } catch (e) {
      record.error = (e as Error).message;
      this.ctx.event("inject-failed", `${p.description}: ${record.error}`);
      // Whatever part did apply was undone by the kind; replaying its logged steps again is harmless and
      // covers an undo that failed there.
      await applySteps(this.ctx.docker, undoLog.steps(p.id))
        .then(() => undoLog.done(p.id))
        .catch((u: Error) => this.ctx.event("undo-failed", `${p.description}: ${u.message}`));
      return;
    }
    record.injectedAt = injectedAt;
    this.ctx.event("inject", `${p.description} → ${record.victims.join(", ")} (${Date.now() - injectedAt}ms)`);
    if (!undo) {
      undoLog.done(p.id);
      return;
    }
    const handle = this.ctx.teardown.push(`undo ${p.description}`, async () => {
      const started = Date.now();
      try {
        await undo();
        record.restoredAt = Date.now();
        undoLog.done(p.id);
      } finally {
        record.undoMs = Date.now() - started;
        this.activeFaults.delete(p.id);
      }
    });
    this.activeFaults.set(p.id, handle);
    if (p.spec.durationMs === undefined) return;
    await sleep(p.spec.durationMs, AbortSignal.any([this.ctx.signal, this.halted.signal]));
    // Failures are kept by the teardown stack and reported with the others; an interruption leaves the
    // undo to the unwinding teardown.
    if (!this.ctx.signal.aborted) await handle.run().catch(() => undefined);
  }
}
