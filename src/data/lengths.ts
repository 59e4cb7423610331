/**
 * Token-length specs of `batch-load data`: `512` (every line the same) or `512:128` (normal with
 * mean 512 and standard deviation 128, clipped to [1, mean + 4 sd]), drawn from the seeded RNG.
 */
import { ConfigError } from '../config/errors.js';
import { parseNumberText } from '../options/values.js';

export interface LengthSpec {
  mean: number;
  sd: number;
}

export const MAX_TOKENS_PER_FIELD = 1_000_000;

export function parseLengthSpec(text: string, label: string): LengthSpec {
  const [meanText, sdText, extra] = text.split(':');
  const mean = parseNumberText(meanText);
  const sd = sdText === undefined ? 0 : parseNumberText(sdText);
  if (extra !== undefined || mean === undefined || sd === undefined || mean < 1 || sd < 0 || mean > MAX_TOKENS_PER_FIELD) {
    throw new ConfigError(`${label}: expected a token count such as 512 or mean:stddev such as 512:128, got '${text}'`);
  }
  return { mean, sd };
}

/** A sampler of whole token counts ≥ 1 (Box–Muller over the given uniform source). */
export function lengthSampler(spec: LengthSpec, random: () => number): () => number {
  if (spec.sd === 0) return () => Math.max(1, Math.round(spec.mean));
  const hi = spec.mean + 4 * spec.sd;
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
  return () => Math.round(Math.min(hi, Math.max(1, spec.mean + spec.sd * normal())));
}
