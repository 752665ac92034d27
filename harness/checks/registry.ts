// Every data check kind, by name (`checks[].kind`). Adding one = its file, a line here, a row in docs/scenario.md.
import { ackedWrites } from "./acked-writes.ts";
import type { CheckKind } from "./check.ts";

export const checkKinds = { "acked-writes": ackedWrites } as const satisfies Record<string, CheckKind<any>>;
export type CheckKindName = keyof typeof checkKinds;
