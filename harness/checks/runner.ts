// Runs a scenario's checks alongside the load: started with it, stopped when it ends, verified once the
// faults are undone and each check's target answers its health check again.
import type { CheckContext, CheckKind, RunningCheck } from "./check.ts";
import { checkKinds } from "./registry.ts";
import type { CheckRecord } from "../contracts/journal.ts";
import type { CheckSpec } from "../specs/checks/check.ts";

export class CheckRunner {
  private readonly running: { spec: CheckSpec; check: RunningCheck }[] = [];

  constructor(
    private readonly specs: readonly CheckSpec[],
    private readonly context: (spec: CheckSpec) => CheckContext,
  ) {}

  start(): void {
    for (const spec of this.specs) {
      const kind = (checkKinds as Record<string, CheckKind<any>>)[spec.kind]!;
      this.running.push({ spec, check: kind.start(this.context(spec), spec, `checks[${spec.index}]`) });
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.running.map((r) => r.check.stop()));
  }

  /** `ready(target)` resolves when the target is healthy again, or throws saying why it is not. */
  async verify(ready: (target: string) => Promise<void>, signal: AbortSignal): Promise<void> {
    for (const { spec, check } of this.running) {
      try {
        await ready(spec.target);
      } catch (e) {
        check.result().error = `not verified: ${(e as Error).message}`;
        continue;
      }
      await check.verify(signal);
    }
  }

  results(): CheckRecord[] {
    return this.running.map((r) => r.check.result());
  }
}
