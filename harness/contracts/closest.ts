// The valid name a user most likely meant by an unknown one: a typo (a letter missed, added, changed or two
// swapped), another case or `_` for `-`, or the same characters in another order (`=<` for `<=`).

/** The closest valid name, or undefined when none is close enough to be a likely typo. */
export function closest(given: string, valid: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of valid) {
    const distance = likeness(given, name);
    if (distance !== undefined && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** How far `name` is from `given` as a typo, or undefined when it is too far to be one. */
function likeness(given: string, name: string): number | undefined {
  if (given === name) return undefined;
  if (normal(given) === normal(name)) return 0;
  // Each typo changes the length by one at most: this also keeps a huge value from a huge table.
  if (Math.abs(given.length - name.length) > 2) return undefined;
  if (sorted(given) === sorted(name)) return 0;
  const distance = typoDistance(given, name);
  // Short names are all close to each other: a suggestion must keep most of what was typed.
  return distance <= 2 && distance < given.length / 2 ? distance : undefined;
}

const normal = (text: string) => text.toLowerCase().replaceAll("_", "-");
const sorted = (text: string) => [...text].sort().join("");

/** Damerau-Levenshtein distance (optimal string alignment): edits, and swaps of two neighbours, count one. */
function typoDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}
