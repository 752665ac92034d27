// Holm's step-down adjustment (R's p.adjust(p, "holm")): the adjusted p of the k-th smallest of m p-values is
// max over j ≤ k of min(1, (m − j + 1) × p(j)). Rejecting every adjusted p below α keeps the chance of any
// false rejection among the m at or below α (Holm 1979). simple-statistics has no multiple-comparison
// adjustment, and the whole method is these few lines.

/** Holm-adjusted p-values, in the order given. */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
