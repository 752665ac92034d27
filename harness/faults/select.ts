// Reproducible blast radius: the same seed picks the same replicas, so a failing run can be replayed.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

export interface Selection {
  count?: number;
  percent?: number;
  seed?: number;
}

/** Whether the selection draws victims (a count or percent); without one every replica is hit. */
export const drawsVictims = (selection: Selection | undefined): selection is Selection =>
  selection !== undefined && (selection.count !== undefined || selection.percent !== undefined);

/** Indexes (0-based, ascending) of the replicas hit; all of them when no count or percent is given. */
export function selectReplicas(replicas: number, selection: Selection | undefined, fallbackSeed: number): number[] {
  const all = Array.from({ length: replicas }, (_, i) => i);
  if (!drawsVictims(selection)) return all;
  const wanted =
    selection.count !== undefined ? selection.count : Math.max(1, Math.round((replicas * selection.percent!) / 100));
  const n = Math.min(replicas, wanted);
  const rng = xoroshiro128plus(selection.seed ?? fallbackSeed);
  // Partial Fisher-Yates: the first n slots are a uniform sample without replacement.
  for (let i = 0; i < n; i++) {
    const j = uniformInt(rng, i, replicas - 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, n).sort((a, b) => a - b);
}
