// Zod building blocks shared by every section of the scenario and by plug-in parameter schemas,
// so that a duration or an unknown key reads the same wherever it appears.
import { z } from "zod";
import { quote } from "../contracts/errors.ts";
import { DURATION_HINT, parseByteRate, parseDuration, parsePercent, parseSize, RATE_HINT, SIZE_HINT } from "../contracts/units.ts";
import { VALID_KEYS_PREFIX } from "../contracts/issues.ts";

/** A wrong value as shown in a message: strings quoted and escaped, anything else as JSON. */
const describeValue = (v: unknown): string => (typeof v === "string" ? quote(v) : (JSON.stringify(v) ?? String(v)));

export function obj<T extends z.core.$ZodLooseShape>(shape: T) {
  const keys = Object.keys(shape).join(",");
  return z.strictObject(shape, {
    error: (iss) => (iss.code === "unrecognized_keys" ? VALID_KEYS_PREFIX + keys : undefined),
  });
}

/**
 * A value read from text (or a number) by `parse`: a missing one "is required", a wrong one is shown and
 * named by what was `expected`. Every quantity of the scenario goes through here, so they all read alike.
 */
export function textValue<T>(parse: (v: string | number) => T | undefined, expected: string) {
  return z.unknown().transform((v, ctx): T => {
    const value = typeof v === "string" || typeof v === "number" ? parse(v) : undefined;
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: v === undefined ? "is required" : `${describeValue(v)} is not ${expected}` });
      return z.NEVER;
    }
    return value;
  });
}

/** Milliseconds from "250ms" / "5s" / "2m" / "1h". */
export const duration = textValue(parseDuration, DURATION_HINT);

/** A latency limit: as `duration`, with fractions of a millisecond kept (0.8ms). */
export const latency = textValue((v) => parseDuration(v, true), DURATION_HINT);

/**
 * How long SIGTERM may take before SIGKILL when Docker stops a container. Its stop timeout counts whole
 * seconds: any other grace is refused rather than rounded, so the journal says what was done.
 */
export const stopGrace = (defaultMs: number) =>
  duration.default(defaultMs).refine((ms) => ms % 1_000 === 0, { message: "must be whole seconds, such as 0s or 2s: Docker's stop timeout counts seconds" });

export const positiveDuration = duration.refine((ms) => ms > 0, { message: "must be longer than 0" });

/** A fraction from "12.5%" or a number in [0, 1]. */
export const ratio = textValue(
  (v) => (typeof v === "string" ? parsePercent(v) : v >= 0 && v <= 1 ? v : undefined),
  "a percentage like 12.5% (or a fraction 0..1)",
);

/** Bytes from "64KB", "64MiB", "64m" or a whole number (see parseSize). */
export const size = textValue(parseSize, SIZE_HINT);

/** Bytes per second from "100KB/s", "1MB/s" or "8Mbit". */
export const byteRate = textValue((v) => (typeof v === "string" ? parseByteRate(v) : undefined), RATE_HINT);

export const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, "must be lowercase letters, digits and dashes, starting with a letter (≤ 31 chars)");

/** One line of text: a folder or image name with a newline or a tab in it is a mistake. */
export const singleLine = z.string().min(1).regex(/^[^\u0000-\u001f\u007f]*$/, "must not contain control characters (newlines, tabs, …)");

/**
 * What a request path may hold after its "/": engines write it raw into the request line (autocannon) and the
 * balancer into haproxy.cfg, where a space or a line break would end the line (request splitting).
 */
export const URL_PATH_CHARACTERS = 'must be "/" followed by visible ASCII characters only: percent-encode any other (%20 for a space, %0A for a line break)';
export const isUrlPathText = (path: string): boolean => /^\/[\x21-\x7e]*$/.test(path);

/** A request path; a missing "/" is the likelier mistake, so it is the only one told then. */
export const urlPath = z
  .string()
  .regex(/^\//, { message: 'must start with "/"', abort: true })
  .refine(isUrlPathText, { message: URL_PATH_CHARACTERS });

export const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Replica selection for replicated targets: how many victims, drawn reproducibly from `seed`. */
export const select = obj({
  count: int(1, 1000).optional(),
  percent: z.number().gt(0).max(100).optional(),
  seed: z.number().int().optional(),
}).refine((s) => s.count === undefined || s.percent === undefined, { message: "give count or percent, not both" });
