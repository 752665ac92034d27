// Which request of a weighted mix goes next: smooth weighted round-robin (nginx's), so the mix is exact
// over every window of sum(weights) picks and the same scenario always sends the same sequence.

export function weightedPicker<T extends { weight: number }>(items: readonly T[]): () => T {
  if (!items.length) throw new Error("a mix needs at least one entry");
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  const current = items.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < items.length; i++) {
      current[i]! += items[i]!.weight;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return items[best]!;
  };
}
