import { randomBytes } from 'node:crypto';
import { createRandom } from '../../engine/random.js';

/** A seeded pseudo-random source: `next()` returns a float in [0, 1). */
export interface Rng {
  next(): number;
}

/**
 * The run's one generator (engine/random.ts, mulberry32): deterministic for a given seed, which
 * is what `--seed` promises, and the same stream the tester draws from for the same seed.
 */
export function createRng(seed: number): Rng {
  return { next: createRandom(seed) };
}

/** Derives independent streams from one seed, so fault draws don't shift when jitter settings change. */
export function deriveSeed(seed: number, stream: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < stream.length; i++) {
    h ^= stream.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
