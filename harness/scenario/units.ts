// Text forms of the quantities a scenario uses: durations ("250ms", "5s", "2m", "1h", "1.5s"),
// ratios ("99.5%") and sizes ("256MiB", "1GB"). Code works in milliseconds, fractions and bytes; these are
// the only parsers.

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

/** A fraction in [0, max] from "99.5%" (max 1 unless given: CPU use can exceed one core), or undefined. */
export function parsePercent(text: string, max = 1): number | undefined {
  const m = PERCENT.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) / 100;
  return value <= max ? value : undefined;
}

const SIZE = /^(\d+(?:\.\d+)?)(B|KB|MB|GB|KiB|MiB|GiB)$/;
const UNIT_BYTES: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

export const SIZE_HINT = "a size like 256MiB, 1GiB or 500MB";

/** Bytes from "256MiB" (binary) or "500MB" (decimal), or undefined when the text is not a size. */
export function parseBytes(text: string): number | undefined {
  const m = SIZE.exec(text.trim());
  return m ? Math.round(Number(m[1]) * UNIT_BYTES[m[2]!]!) : undefined;
}

/** A size in the largest binary unit that keeps it readable: 268435456 → "256MiB", 1536 → "1.5KiB". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= size) return `${round(bytes / size, 2)}${unit}`;
  }
  return `${bytes}B`;
}

/** Shortest exact text for a duration: 8000 → "8s", 250 → "250ms", 90000 → "1.5m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms !== 0 && Math.abs(ms) < 1_000) return `${round(ms, 1)}ms`;
  if (Math.abs(ms) < 60_000) return `${round(ms / 1_000, 3)}s`;
  if (Math.abs(ms) < 3_600_000) return `${round(ms / 60_000, 3)}m`;
  return `${round(ms / 3_600_000, 3)}h`;
}

export function formatPercent(fraction: number, digits = 2): string {
  return `${round(fraction * 100, digits)}%`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
