// What every fault acting in a fault proxy shares: where the rule goes (the host-side proxy in front of each
// victim, or with `from` the link proxy answering as the target), the per-connection knobs (direction,
// probability), and the one rule each injection puts in force (its runtime, harness/faults/proxy-fault.ts,
// adds it and takes exactly that rule out again on undo, leaving connections open).
import { z } from "zod";
import { formatPercent } from "../../contracts/units.ts";
import { ratio } from "../fields.ts";
import type { FaultBase, FaultKindSpec } from "./fault.ts";
import { DIRECTIONS, type Direction, type HttpRule, type ProxyRule, type ToxicRule } from "./proxy-rules.ts";

/** Keys of every TCP toxic fault. */
export const toxicShape = {
  direction: z.enum(DIRECTIONS).default("downstream"),
  probability: ratio.default(1),
  /** A dependent target: the fault acts on its connections to `target` (through the link proxy). */
  from: z.string().optional(),
};

export interface ToxicParams {
  direction: Direction;
  probability: number;
  from?: string | undefined;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ToxicSpec = DistributiveOmit<ToxicRule, "id" | "direction" | "probability" | "sources" | "upstreams">;

/** A fault kind made of one proxy rule (a fresh id per injection), in force for the fault's window. */
export interface RuleKindSpec<P extends object> extends FaultKindSpec<P> {
  proxy: "tcp" | "http";
  /** The rule this fault puts in force, without its id. */
  rule(p: P): Omit<ProxyRule, "id">;
}

interface RuleKindDef<P> {
  kind: string;
  summary: string;
  params: z.ZodType<P>;
  /** The effect in a few words, e.g. "+200ms ±20ms". */
  effect(p: P): string;
}

/** What toxic and HTTP kinds share: a window in which one rule is in force. */
function ruleFault<P extends object>(
  def: RuleKindDef<P>,
  proxy: "tcp" | "http",
  shape: { describe(p: P & FaultBase): string; revert(p: P & FaultBase): string; rule(p: P): Omit<ProxyRule, "id"> },
): RuleKindSpec<P> {
  return {
    kind: def.kind,
    summary: def.summary,
    params: def.params,
    window: "required",
    proxy,
    describe: shape.describe,
    revert: shape.revert,
    rule: shape.rule,
  };
}

/** A fault kind made of one toxic rule, in force for the fault's window. */
export function toxicFault<P extends ToxicParams>(def: RuleKindDef<P> & { kind: ToxicSpec["toxic"]; spec(p: P): ToxicSpec }): RuleKindSpec<P> {
  const where = (p: P & FaultBase) => (p.from ? `${p.from}→${p.target}` : p.target);
  return ruleFault(def, "tcp", {
    describe: (p) => {
      const share = p.probability < 1 ? `, ${formatPercent(p.probability)} of connections` : "";
      const effect = def.effect(p);
      return `${def.kind}${effect ? ` ${effect}` : ""} on ${where(p)} (${p.direction}${share})`;
    },
    revert: (p) => `remove the rule from the fault proxy on ${where(p)}: connections stay open, held data goes on at once`,
    rule: (p) => ({ direction: p.direction, probability: p.probability, ...def.spec(p) }) as Omit<ToxicRule, "id">,
  });
}

/** A fault kind made of one HTTP rule on the host-side proxies of the victims. */
export function httpFault<P extends { ratio: number; path?: string | undefined }>(
  def: RuleKindDef<P> & {
    spec(p: P): DistributiveOmit<HttpRule, "id" | "ratio" | "path">;
    /** What happens to requests the rule holds when it is removed, if it holds any. */
    onRemoval?: string;
  },
): RuleKindSpec<P> {
  return ruleFault(def, "http", {
    describe: (p) => {
      const share = p.ratio < 1 ? ` on ${formatPercent(p.ratio)} of` : " on";
      return `${def.kind} ${def.effect(p)}${share} requests to ${p.target}${p.path ? ` ${p.path}` : ""}`;
    },
    revert: (p) => `remove the rule from the fault proxy in front of ${p.target}${def.onRemoval ? `: ${def.onRemoval}` : ""}`,
    rule: (p) => ({ ratio: p.ratio, ...(p.path ? { path: p.path } : {}), ...def.spec(p) }) as Omit<HttpRule, "id">,
  });
}
