import type { AlertEvent } from "../contracts/journal.ts";

export class AlertLog {
  readonly events: AlertEvent[] = [];
  private readonly firing = new Set<string>();
  private readonly listeners: ((e: AlertEvent) => void)[] = [];
  private closed = false;

  onEdge(listener: (e: AlertEvent) => void): void {
    this.listeners.push(listener);
  }

  report(e: AlertEvent): void {
    if (this.closed) return;
    const key = alertKey(e);
    if ((e.state === "firing") === this.firing.has(key)) return;
    if (e.state === "firing") this.firing.add(key);
    else this.firing.delete(key);
    this.events.push(e);
    for (const l of this.listeners) l(e);
  }

  /** The names firing now. */
  active(): string[] {
    return [...new Set(this.events.filter((e) => this.firing.has(alertKey(e))).map((e) => e.name))];
  }

  /** Later reports are ignored: what happens while the run is torn down is not part of it. */
  close(): void {
    this.closed = true;
  }
}

const alertKey = (e: AlertEvent) => e.name + JSON.stringify(Object.entries(e.labels).sort(([a], [b]) => a.localeCompare(b)));
