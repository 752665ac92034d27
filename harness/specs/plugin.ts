// Entries whose keys are a shared base plus the chosen plug-in's own parameters (faults, detectors, heal
// actions): the base and the params are parsed separately, each reporting unknown keys with both lists.
import type { z } from "zod";
import type { Path } from "../contracts/issues.ts";

export type Section = <S extends z.ZodType>(schema: S, value: unknown, path: Path, extraKeys?: string[]) => z.output<S> | undefined;

export function splitKeys(raw: Record<string, unknown>, baseKeys: readonly string[]): { base: Record<string, unknown>; params: Record<string, unknown> } {
  const entries = Object.entries(raw);
  return {
    base: Object.fromEntries(entries.filter(([k]) => baseKeys.includes(k))),
    params: Object.fromEntries(entries.filter(([k]) => !baseKeys.includes(k))),
  };
}

export const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
