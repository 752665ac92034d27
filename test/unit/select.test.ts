import { describe, expect, it } from "vitest";
import { selectReplicas } from "../../harness/faults/select.ts";

describe("replica selection", () => {
  it("hits every replica by default", () => expect(selectReplicas(3, undefined, 0)).toEqual([0, 1, 2]));
  it("is reproducible for a seed", () => {
    const a = selectReplicas(10, { count: 3, seed: 42 }, 0);
    expect(selectReplicas(10, { count: 3, seed: 42 }, 7)).toEqual(a);
    expect(a).toHaveLength(3);
    expect(new Set(a).size).toBe(3);
  });
  it("varies with the seed", () => {
    const picks = new Set(Array.from({ length: 20 }, (_, seed) => selectReplicas(10, { count: 2, seed }, 0).join(",")));
    expect(picks.size).toBeGreaterThan(5);
  });
  it("rounds percentages, at least one replica", () => {
    expect(selectReplicas(4, { percent: 50, seed: 1 }, 0)).toHaveLength(2);
    expect(selectReplicas(3, { percent: 10, seed: 1 }, 0)).toHaveLength(1);
  });
});
