// The teardown stack: every start and every injection pushes how to undo itself; unwinding runs every
// undo in reverse order, each bounded in time, even when some fail, and returns all failures.

export interface UndoFailure {
  label: string;
  error: string;
}

export interface UndoHandle {
  /** Runs this undo now (e.g. at the end of a fault window) and takes it off the stack; runs once. */
  run(): Promise<void>;
}

interface Entry {
  label: string;
  undo: () => Promise<void>;
  done?: Promise<void>;
}

export class Teardown {
  private readonly stack: Entry[] = [];
  private readonly failures: UndoFailure[] = [];

  constructor(
    private readonly timeoutMs = 15_000,
    private readonly onEvent: (label: string, error?: string) => void = () => undefined,
  ) {}

  push(label: string, undo: () => Promise<void>): UndoHandle {
    const entry: Entry = { label, undo };
    this.stack.push(entry);
    return { run: () => this.runEntry(entry) };
  }

  get size(): number {
    return this.stack.length;
  }

  /** Undoes everything still on the stack, newest first. Never throws; returns every failure so far. */
  async unwind(): Promise<UndoFailure[]> {
    while (this.stack.length) {
      await this.runEntry(this.stack[this.stack.length - 1]!).catch(() => undefined);
    }
    return [...this.failures];
  }

  private runEntry(entry: Entry): Promise<void> {
    if (!entry.done) {
      entry.done = (async () => {
        try {
          await withTimeout(entry.undo(), this.timeoutMs, `undo "${entry.label}" timed out after ${this.timeoutMs}ms`);
          this.onEvent(entry.label);
        } catch (e) {
          this.failures.push({ label: entry.label, error: (e as Error).message });
          this.onEvent(entry.label, (e as Error).message);
          throw e;
        } finally {
          const i = this.stack.indexOf(entry);
          if (i >= 0) this.stack.splice(i, 1);
        }
      })();
    }
    return entry.done;
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
