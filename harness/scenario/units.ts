// Text forms of the quantities a scenario uses: durations ("250ms", "5s", "2m", "1h", "1.5s")
// and ratios ("99.5%"). Code works in milliseconds and fractions; these are the only parsers.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export const DURATION_HINT = "a duration like 250ms, 5s, 2m or 1h";

/** Milliseconds, or undefined when the text is not a duration. `0` alone is accepted. */
export function parseDuration(text: string | number): number | undefined {
  if (text === 0 || text === "0") return 0;
  if (typeof text !== "string") return undefined;
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
}

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** A fraction in [0, 1] from "99.5%", or undefined. */
export function parsePercent(text: string): number | undefined {
  const m = PERCENT.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) / 100;
  return value <= 1 ? value : undefined;
}

/** Shortest exact text for a duration: 8000 → "8s", 250 → "250ms", 90000 → "1.5m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms !== 0 && Math.abs(ms) < 1_000) return `${round(ms, 1)}ms`;
  if (Math.abs(ms) < 60_000) return `${round(ms / 1_000, 3)}s`;
  if (Math.abs(ms) < 3_600_000) return `${round(ms / 60_000, 3)}m`;
  return `${round(ms / 3_600_000, 3)}h`;
}

const SIZE = /^(\d+(?:\.\d+)?)(B|KB|MB|GB)$/;
const SIZE_BYTES: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 };

export const SIZE_HINT = "a size like 512B, 64KB or 1MB (or a whole number of bytes)";

/** Bytes from "64KB" / "1.5MB" (decimal units, as Toxiproxy and tc use) or a whole number. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isInteger(text) && text >= 0 ? text : undefined;
  const m = SIZE.exec(text.trim());
  return m ? Math.round(Number(m[1]) * SIZE_BYTES[m[2]!]!) : undefined;
}

/** Shortest text for a size in decimal units: 64000 → "64KB", 1500000 → "1.5MB", 100 → "100B". */
export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${round(bytes / 1e9, 3)}GB`;
  if (bytes >= 1e6) return `${round(bytes / 1e6, 3)}MB`;
  if (bytes >= 1e3) return `${round(bytes / 1e3, 3)}KB`;
  return `${bytes}B`;
}

const RATE = /^(\d+(?:\.\d+)?)(B\/s|KB\/s|MB\/s|GB\/s|kbit|Mbit|Gbit)$/;
const RATE_BYTES: Record<string, number> = { "B/s": 1, "KB/s": 1e3, "MB/s": 1e6, "GB/s": 1e9, kbit: 125, Mbit: 125_000, Gbit: 125_000_000 };

export const RATE_HINT = "a rate like 100KB/s, 1MB/s or 8Mbit";

/** Bytes per second from "100KB/s", "1MB/s" or "8Mbit"; undefined when not a rate above zero. */
export function parseByteRate(text: string): number | undefined {
  const m = RATE.exec(text.trim());
  const value = m ? Math.round(Number(m[1]) * RATE_BYTES[m[2]!]!) : 0;
  return value > 0 ? value : undefined;
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${round(fraction * 100, digits)}%`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
