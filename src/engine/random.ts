/** A seeded PRNG (mulberry32) when --seed is given, Math.random otherwise. */
export function createRandom(seed?: number): () => number {
  if (seed === undefined) return Math.random;
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks an item by weight with one random draw. */
export function pickWeighted<T extends { weight: number }>(items: readonly T[], random: () => number): T {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  let r = random() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1];
}

/** pickWeighted with the total computed once: same draws, same picks. */
export function weightedPicker<T extends { weight: number }>(items: readonly T[], random: () => number): () => T {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  const last = items[items.length - 1]!;
  return () => {
    let r = random() * total;
    for (const item of items) {
      r -= item.weight;
      if (r < 0) return item;
    }
    return last;
  };
}
