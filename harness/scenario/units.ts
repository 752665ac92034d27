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

export function formatPercent(fraction: number, digits = 2): string {
  return `${round(fraction * 100, digits)}%`;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

const BYTES = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i;
const UNIT_SHIFT: Record<string, number> = { b: 0, k: 10, m: 20, g: 30, t: 40 };

export const BYTES_HINT = "a size like 512k, 64m or 1.5g (binary units, as Docker reads them)";

/** Bytes from "512k" / "64m" / "1.5g" / "64MiB" / 1048576 (1024-based, like Docker's --memory), or undefined. */
export function parseBytes(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isSafeInteger(text) && text >= 0 ? text : undefined;
  const m = BYTES.exec(text.trim());
  if (!m) return undefined;
  const value = Number(m[1]) * 2 ** UNIT_SHIFT[(m[2] ?? "b")[0]!.toLowerCase()]!;
  return Number.isSafeInteger(Math.round(value)) ? Math.round(value) : undefined;
}

/** "64MiB", "1.5GiB", "512B": the largest binary unit that keeps the number ≥ 1. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (i < units.length - 1 && Math.abs(bytes) >= 1024 ** (i + 1)) i++;
  return `${round(bytes / 1024 ** i, 2)}${units[i]}`;
}
