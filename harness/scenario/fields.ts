// Zod building blocks shared by every section of the scenario and by plug-in parameter schemas,
// so that a duration or an unknown key reads the same wherever it appears.
import { z } from "zod";
import { DURATION_HINT, parseBytes, parseDuration, parsePercent, SIZE_HINT } from "./units.ts";

/** Marker carrying an object's valid keys through zod's issue message (see parse.ts). */
export const VALID_KEYS_PREFIX = "valid-keys:";

export function obj<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape).join(",");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? VALID_KEYS_PREFIX + keys : undefined),
  });
}

/** Milliseconds from "250ms" / "5s" / "2m" / "1h". */
export const duration = z.unknown().transform((v, ctx): number => {
  const ms = typeof v === "string" || typeof v === "number" ? parseDuration(v) : undefined;
  if (ms === undefined) {
    const shown = typeof v === "string" ? `"${v}"` : JSON.stringify(v);
    ctx.addIssue({ code: "custom", message: `${shown} is not ${DURATION_HINT}` });
    return z.NEVER;
  }
  return ms;
});

export const positiveDuration = duration.refine((ms) => ms > 0, { message: "must be longer than 0" });

/** A fraction from "12.5%" or a number in [0, 1]. */
export const ratio = z.unknown().transform((v, ctx): number => {
  const value = typeof v === "string" ? parsePercent(v) : typeof v === "number" && v >= 0 && v <= 1 ? v : undefined;
  if (value === undefined) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not a percentage like 12.5% (or a fraction 0..1)` });
    return z.NEVER;
  }
  return value;
});

/** Bytes from "256MiB" / "1GB", or a number of bytes. */
export const bytes = z.unknown().transform((v, ctx): number => {
  const value = typeof v === "string" ? parseBytes(v) : typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : undefined;
  if (value === undefined) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} is not ${SIZE_HINT} (or a number of bytes)` });
    return z.NEVER;
  }
  return value;
});

export const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lowercase letters, digits and dashes, starting with a letter (≤ 31 chars)");

export const urlPath = z.string().regex(/^\//, 'must start with "/"');

export const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Replica selection for replicated targets: how many victims, drawn reproducibly from `seed`. */
export const select = obj({
  count: int(1, 1000).optional(),
  percent: z.number().gt(0).max(100).optional(),
  seed: z.number().int().optional(),
}).refine((s) => s.count === undefined || s.percent === undefined, { message: "give count or percent, not both" });
