// Turns zod's issues into the harness's own wording: one line per problem, a path, and the valid choices.
import type { z } from "zod";
import { quote, type Issue } from "./errors.ts";
import { formatDuration } from "./units.ts";

export type Path = (string | number)[];

export function describeInput(input: unknown): string {
  if (input === null) return "null";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  if (typeof input === "string") return quote(input);
  return String(input);
}

const EXPECTED: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

export function fromZod(error: z.ZodError, prefix: Path = [], extraValidKeys: readonly string[] = []): Issue[] {
  const out: Issue[] = [];
  for (const iss of error.issues) {
    const path = [...prefix, ...(iss.path as Path)];
    const input = (iss as { input?: unknown }).input;
    switch (iss.code) {
      case "unrecognized_keys": {
        const valid = iss.message.startsWith(VALID_KEYS_PREFIX)
          ? [...extraValidKeys, ...iss.message.slice(VALID_KEYS_PREFIX.length).split(",").filter(Boolean)]
          : undefined;
        for (const key of iss.keys) out.push({ path: [...path, key], message: `unknown key ${quote(key)}`, valid, atKey: true });
        break;
      }
      case "invalid_type":
        out.push({
          path,
          message:
            input === undefined
              ? "is required"
              : `expected ${EXPECTED[iss.expected] ?? iss.expected}, got ${describeInput(input)}`,
        });
        break;
      case "invalid_value":
        out.push({
          path,
          message: input === undefined ? "is required" : `${describeInput(input)} is not allowed`,
          valid: iss.values.map((v) => String(v)),
          given: input,
        });
        break;
      case "too_small":
        out.push({
          path,
          message:
            iss.origin === "array" || iss.origin === "string"
              ? "must not be empty"
              : `must be ${iss.inclusive === false ? ">" : "≥"} ${iss.minimum}`,
        });
        break;
      case "too_big":
        out.push({ path, message: `must be ${iss.inclusive === false ? "<" : "≤"} ${iss.maximum}` });
        break;
      case "invalid_key":
        // A record's key (a volume name, say) broke its own rule: point at the key, say which rule.
        out.push({ path, message: `key ${describeInput(input)} ${iss.issues[0]?.message ?? "is not allowed"}`, atKey: true });
        break;
      case "invalid_union":
        out.push({ path, message: `${describeInput(input)} is not a string, number or boolean` });
        break;
      default:
        out.push({ path, message: iss.message });
    }
  }
  return out;
}

/**
 * How a message repeats a duration: as the user wrote it at `path` (`70s`), since its reformatting
 * (`1.167m`) reads as someone else's number; a computed or default value (nothing written there) is formatted.
 */
export type Spelled = (path: Path, ms: number) => string;

export function spelledIn(doc: unknown): Spelled {
  return (path, ms) => {
    const written = path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined), doc);
    return typeof written === "string" || typeof written === "number" ? String(written).trim() : formatDuration(ms);
  };
}

/** Marker carrying an object's valid keys through zod's issue message (see parse.ts). */
export const VALID_KEYS_PREFIX = "valid-keys:";
