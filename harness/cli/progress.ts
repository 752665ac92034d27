// Live progress on stderr: a status line redrawn in place on a terminal, plain timestamped lines otherwise
// (CI logs). Events (fault injected, undone, errors) are always printed as lines.
import type { LiveStats, Progress } from "../run/orchestrator.ts";
import type { RunEvent } from "../contracts/journal.ts";

const PLAIN_EVERY_MS = 5_000;

/** `label` (e.g. "trial 2/5") starts every line and the status, so repeated trials say which one runs. */
export function terminalProgress(out: NodeJS.WriteStream = process.stderr, enabled = true, label = ""): Progress {
  const tty = out.isTTY === true;
  const started = Date.now();
  let status = "";
  let lastPlain = 0;
  const stamp = () => `[${((Date.now() - started) / 1_000).toFixed(1).padStart(6)}s]${label ? ` ${label}` : ""}`;
  const line = (text: string) => {
    if (!enabled) return;
    if (tty && status) out.write("\r\x1b[2K");
    out.write(`${stamp()} ${text}\n`);
    if (tty && status) out.write(status);
  };
  return {
    phase: (message) => {
      if (tty && status) out.write("\r\x1b[2K");
      status = "";
      line(message);
    },
    event: (e: RunEvent) => line(`${e.type}: ${e.message}`),
    tick: (s: LiveStats) => {
      if (!enabled) return;
      const text = (label ? `${label} · ` : "") + statusText(s);
      if (tty) {
        status = text;
        out.write(`\r\x1b[2K${text}`);
      } else if (Date.now() - lastPlain >= PLAIN_EVERY_MS) {
        lastPlain = Date.now();
        out.write(`${stamp()} ${text}\n`);
      }
    },
  };
}

export function statusText(s: LiveStats): string {
  const parts = [
    // Before the measured phase (a warm-up) nothing is recorded yet: say how long is left of it.
    s.elapsedMs < 0 ? `warm-up, ${(-s.elapsedMs / 1_000).toFixed(1)}s left` : `${(s.elapsedMs / 1_000).toFixed(1)}s/${(s.totalMs / 1_000).toFixed(0)}s`,
    `${s.requestsPerSecond} req/s`,
    `errors ${s.errorRate === null ? "—" : (s.errorRate * 100).toFixed(1) + "%"}`,
    `p99 ${s.p99Ms === undefined ? "—" : s.p99Ms.toFixed(1) + "ms"}`,
  ];
  if (s.activeFaults.length) parts.push(`fault: ${s.activeFaults.join(", ")}`);
  if (s.alerts?.length) parts.push(`firing: ${s.alerts.join(", ")}`);
  return parts.join(" · ");
}
