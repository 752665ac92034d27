// The `load` section as written: engine and model, the request (or a weighted mix of requests), the rate or
// stages, duration, warm-up and timeout. `spec.ts` resolves it into what the engines run.
import { z } from "zod";
import { duration, int, obj, positiveDuration, urlPath } from "../fields.ts";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export const LOAD_MODELS = ["closed", "open"] as const;
export type LoadModel = (typeof LOAD_MODELS)[number];
export const LOAD_ENGINES = ["autocannon", "undici", "k6"] as const;
export type LoadEngineName = (typeof LOAD_ENGINES)[number];

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "is not a valid HTTP header name");
// Engines write header lines as given (autocannon builds the raw request): a line break in a value would
// start another header, or another request.
export const breaksHeaderLine = (value: string): boolean => /[\r\n\0]/.test(value);
const headerValue = z
  .union([z.string(), z.number()])
  .transform(String)
  .refine((v) => !breaksHeaderLine(v), { message: "must be one line: a line break would start another header" });
const headers = z.record(headerName, headerValue);

/** A request body: text as is, or a mapping / list sent as JSON (`json: true`). */
const body = z.unknown().transform((v, ctx): { text: string; json: boolean } => {
  if (typeof v === "string") return { text: v, json: false };
  if (v !== null && typeof v === "object") return { text: JSON.stringify(v), json: true };
  ctx.addIssue({ code: "custom", message: `expected text, or a mapping or list sent as JSON, got ${JSON.stringify(v)}` });
  return z.NEVER;
});

const requestShape = {
  target: z.string(),
  path: urlPath.default("/"),
  method: z.enum(HTTP_METHODS).default("GET"),
  headers: headers.default({}),
  body: body.optional(),
};

/** One entry of a weighted request mix (`load.requests[]`). */
export const requestSchema = obj({ ...requestShape, weight: z.number().positive().max(1_000_000).default(1) });

const stageSchema = obj({ duration: positiveDuration, rate: z.number().min(0).max(1_000_000) }).transform(
  ({ duration: durationMs, rate }) => ({ durationMs, rate }),
);

/** The load section as written; `spec.ts` resolves defaults that depend on the engine and model. */
export const loadSchema = obj({
  engine: z.enum(LOAD_ENGINES).optional(),
  model: z.enum(LOAD_MODELS).optional(),
  target: z.string().optional(),
  path: urlPath.optional(),
  method: z.enum(HTTP_METHODS).optional(),
  headers: headers.optional(),
  body: body.optional(),
  requests: z.array(requestSchema).min(1).max(50).optional(),
  connections: int(1, 1000).optional(),
  rate: z.number().positive().max(1_000_000).optional(),
  stages: z.array(stageSchema).min(1).max(100).optional(),
  duration: positiveDuration.optional(),
  warmup: duration.default(0),
  timeout: positiveDuration.default(2_000),
  script: z.string().min(1).optional(),
});

export type LoadInput = z.output<typeof loadSchema>;
export type RequestInput = z.output<typeof requestSchema>;
