// Text forms of the quantities a scenario uses: durations ("250ms", "5s", "2m", "1h", "30d", "1.5s"),
// ratios ("99.5%") and sizes ("256MiB", "1GB"). Code works in milliseconds, fractions and bytes; these are
// the only parsers.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DURATION_HINT = "a duration like 250ms, 5s, 2m or 1h";

/**
 * Milliseconds, or undefined when the text is not a duration. `0` alone is accepted. Whole milliseconds
 * (timers and schedules have no finer grain) unless `fractional`: a latency limit such as 0.8ms is kept.
 */
export function parseDuration(text: string | number, fractional = false): number | undefined {
  if (text === 0 || text === "0") return 0;
  if (typeof text !== "string") return undefined;
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return fractional ? ms : Math.round(ms);
}

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** A fraction in [0, max] from "99.5%" (max 1 unless given: CPU use can exceed one core), or undefined. */
export function parsePercent(text: string, max = 1): number | undefined {
  const m = PERCENT.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) / 100;
  return value <= max ? value : undefined;
}

/** Shortest exact text for a duration: 8000 → "8s", 250 → "250ms", 90000 → "1.5m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms !== 0 && Math.abs(ms) < 1_000) return `${round(ms, 1)}ms`;
  if (Math.abs(ms) < 60_000) return `${round(ms / 1_000, 3)}s`;
  if (Math.abs(ms) < 3_600_000) return `${round(ms / 60_000, 3)}m`;
  // Whole days (an error budget's period) read as days: 30d rather than 720h.
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  return `${round(ms / 3_600_000, 3)}h`;
}

// One size grammar for the whole scenario: decimal units as Toxiproxy and tc count them (KB, MB, GB, TB),
// binary units by their IEC names (KiB, MiB, GiB, TiB) or Docker's one-letter shorthand (k, m, g, t as in
// `--memory 64m`), or a whole number of bytes.
const SIZE = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|[kmgtKMGT])?$/;
const SIZE_BYTES: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
};

export const SIZE_HINT = "a size like 512B, 64KB, 1.5MB (decimal), 64MiB or 64m (binary), or a whole number of bytes";

/** Bytes from a size text or a whole number, or undefined (fractions of a byte are refused). */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  const m = SIZE.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] ?? "B";
  const factor = SIZE_BYTES[unit] ?? 2 ** (10 * (" kmgt".indexOf(unit.toLowerCase())));
  const value = Number(m[1]) * factor;
  return Number.isSafeInteger(Math.round(value)) && (unit !== "B" || Number.isInteger(value)) ? Math.round(value) : undefined;
}

/** Shortest text for a size: decimal units by default ("64KB"), binary ones for memory and disks ("96MiB"). */
export function formatSize(bytes: number, units: "decimal" | "binary" = "decimal"): string {
  const [base, names] = units === "decimal" ? [1_000, ["B", "KB", "MB", "GB", "TB"]] : [1_024, ["B", "KiB", "MiB", "GiB", "TiB"]];
  let i = 0;
  while (i < names.length - 1 && Math.abs(bytes) >= (base as number) ** (i + 1)) i++;
  return `${round(bytes / (base as number) ** i, 3)}${names[i]}`;
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
