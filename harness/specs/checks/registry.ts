// Every data check kind's spec, by name (`checks[].kind`); their runtimes are harness/checks/registry.ts,
// keyed by the same names. Adding one = its spec and runtime files, a line in each registry, a row in
// docs/scenario.md.
import { ackedWritesSpec } from "./acked-writes.ts";
import type { CheckKindSpec } from "./check.ts";

export const checkKindSpecs = { "acked-writes": ackedWritesSpec } as const satisfies Record<string, CheckKindSpec<any>>;
export type CheckKindName = keyof typeof checkKindSpecs;

/** The parameters of a check of kind K, as its spec parses them. */
export type CheckParams<K extends CheckKindName> = (typeof checkKindSpecs)[K] extends CheckKindSpec<infer P> ? P : never;
