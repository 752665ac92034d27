// One direction of a proxied connection: chunks read from `source` go through the chain of toxic stages
// (one per rule hitting this direction) and are written to `dest`. Backpressure: reading stops while the
// destination's buffer is full or while the stages hold more than HIGH_WATER bytes, and resumes when both
// have drained, so a slow link never makes the proxy buffer without bound.
import type { Socket } from "node:net";
import type { ToxicRule } from "../specs/faults/proxy-rules.ts";
import { sameRule } from "./rules.ts";
import { createStage, type Sink, type Stage, type StageContext } from "./toxics.ts";

const HIGH_WATER = 1 << 20;

export interface PipeOwner {
  closeConnection(how: "close" | "reset"): void;
  random(): number;
}

interface Entry {
  rule: ToxicRule;
  stage: Stage;
}

export class Pipe {
  private entries: Entry[] = [];
  /** Bytes read from the source and not yet written to the destination nor dropped. */
  private held = 0;
  private readonly out: Sink;

  constructor(
    private readonly source: Socket,
    private readonly dest: Socket,
    private readonly owner: PipeOwner,
  ) {
    this.out = {
      write: (chunk) => {
        this.held -= chunk.length;
        if (dest.writable) dest.write(chunk);
        this.throttle();
      },
      end: () => {
        if (dest.writable) dest.end();
      },
    };
    source.on("data", (chunk: Buffer) => {
      this.held += chunk.length;
      this.head().write(chunk);
      this.throttle();
    });
    source.on("end", () => this.head().end());
    dest.on("drain", () => this.throttle());
  }

  /** The rules hitting this direction, in the order they were added. Unchanged rules keep their state. */
  setRules(rules: readonly ToxicRule[]): void {
    const wanted = new Map(rules.map((r) => [r.id, r]));
    // Newest-last chain: removing from the end first lands each stage's data after the older data
    // already further along, so order is kept.
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i]!;
      const rule = wanted.get(entry.rule.id);
      if (rule && sameRule(rule, entry.rule)) continue;
      entry.stage.remove();
      if (rule) {
        entry.rule = rule;
        entry.stage = createStage(rule, this.contextFor(entry));
      } else this.entries.splice(i, 1);
    }
    for (const rule of rules) {
      if (this.entries.some((e) => e.rule.id === rule.id)) continue;
      const entry = { rule } as Entry;
      entry.stage = createStage(rule, this.contextFor(entry));
      this.entries.push(entry);
    }
  }

  /** Hands on everything held and drops every stage (before the connection closes). */
  flush(): void {
    this.setRules([]);
  }

  private head(): Sink {
    return this.entries[0]?.stage ?? this.out;
  }

  private contextFor(entry: Entry): StageContext {
    return {
      next: () => {
        const i = this.entries.indexOf(entry);
        return (i >= 0 && this.entries[i + 1]?.stage) || this.out;
      },
      dropped: (bytes) => {
        this.held -= bytes;
        this.throttle();
      },
      closeConnection: (how) => this.owner.closeConnection(how),
      random: () => this.owner.random(),
      now: () => performance.now(),
    };
  }

  private throttle(): void {
    const full = this.held > HIGH_WATER || this.dest.writableNeedDrain;
    if (full && !this.source.isPaused()) this.source.pause();
    else if (!full && this.source.isPaused()) this.source.resume();
  }
}
