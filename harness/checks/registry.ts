// Every data check kind's runtime, by name (`checks[].kind`); the names, parameters and summaries are the
// kinds' specs (harness/specs/checks/registry.ts): a kind without a runtime does not compile.
import { ackedWrites } from "./acked-writes.ts";
import type { CheckKind } from "./check.ts";
import type { CheckKindName, CheckParams } from "../specs/checks/registry.ts";

export const checkKinds = { "acked-writes": ackedWrites } as const satisfies { [K in CheckKindName]: CheckKind<CheckParams<K>> };
