// Fires the planned faults on time relative to the load start. Each injection pushes its undo on the
// teardown stack first thing, so whatever happens next (window end, error, signal) it is undone.
import type Docker from "dockerode";
import type { Replica } from "../targets/replica.ts";
import type { FaultRecord } from "./journal.ts";
import type { PlannedFault } from "./schedule.ts";
import { sleep } from "./sleep.ts";
import type { Teardown } from "./teardown.ts";

export interface InjectContext {
  docker: Docker;
  teardown: Teardown;
  replicas: Record<string, Replica[]>;
  signal: AbortSignal;
  event(type: string, message: string): void;
}

export class FaultRunner {
  private readonly records = new Map<string, FaultRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly pending = new Set<Promise<void>>();
  private readonly activeFaults = new Set<string>();

  constructor(
    private readonly ctx: InjectContext,
    private readonly plan: readonly PlannedFault[],
  ) {
    for (const p of plan) {
      this.records.set(p.id, {
        id: p.id,
        kind: p.spec.kind,
        target: p.spec.target,
        description: p.description,
        victims: p.victims.map((i) => ctx.replicas[p.spec.target]![i]!.containerName),
        atMs: p.spec.atMs,
        durationMs: p.spec.durationMs ?? null,
        injectedAt: null,
        restoredAt: null,
        impactStartAt: null,
        recoveredAt: null,
        impactMs: null,
        mttrMs: null,
        recovered: false,
        detectedAt: null,
        detectedBy: null,
        actionAt: null,
        action: null,
        mttdMs: null,
        mttaMs: null,
        localisation: null,
      });
    }
  }

  start(loadStartedAt: number): void {
    for (const p of this.plan) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.track(this.fire(p));
      }, Math.max(0, loadStartedAt + p.spec.atMs - Date.now()));
      this.timers.add(timer);
    }
  }

  /** Faults in effect now, for live progress. */
  active(): string[] {
    return [...this.activeFaults];
  }

  /** Cancels faults not yet fired and waits for those in progress (their windows end on schedule). */
  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    while (this.pending.size) await Promise.allSettled([...this.pending]);
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
    if (this.ctx.signal.aborted) return;
    const victims = p.victims.map((i) => this.ctx.replicas[p.spec.target]![i]!);
    const injectedAt = Date.now();
    let undo;
    try {
      undo = await p.kind.inject(
        { docker: this.ctx.docker, victims, signal: this.ctx.signal, log: (m) => this.ctx.event("fault", m) },
        p.spec,
      );
    } catch (e) {
      record.error = (e as Error).message;
      this.ctx.event("inject-failed", `${p.description}: ${record.error}`);
      return;
    }
    record.injectedAt = injectedAt;
    this.ctx.event("inject", `${p.description} → ${record.victims.join(", ")}`);
    if (!undo) return;
    this.activeFaults.add(p.description);
    const handle = this.ctx.teardown.push(`undo ${p.description}`, async () => {
      await undo();
      record.restoredAt = Date.now();
      this.activeFaults.delete(p.description);
    });
    if (p.spec.durationMs === undefined) return;
    await sleep(p.spec.durationMs, this.ctx.signal);
    // Failures are kept by the teardown stack and reported with the others.
    if (!this.ctx.signal.aborted) await handle.run().catch(() => undefined);
  }
}
