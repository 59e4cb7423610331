/**
 * Arrival processes of the open model (`--arrival`), as gaps between starts measured in expected
 * starts: every process has mean gap 1, and the scheduler maps a cumulative count to a time
 * through the rate profile's integral (time rescaling), so one process serves a constant rate
 * and a ramp alike.
 *
 *   constant  gap 1: evenly spaced (the first start at once)
 *   poisson   exponential gaps: coefficient of variation 1 (vLLM / GuideLLM "poisson")
 *   gamma     gamma gaps of shape K (`--burstiness`): CV 1/√K; K = 1 is Poisson, K < 1 clusters
 *             starts into bursts, K > 1 evens them out (vLLM's burstiness)
 *
 * Every draw comes from the run's one random source (engine/random.ts, seeded by --seed).
 */
import type { ArrivalConfig } from '../../config/types.js';

export interface ArrivalProcess {
  readonly name: string;
  /** where the first start falls, in expected starts from the beginning */
  first(): number;
  /** the gap to the next start, in expected starts (mean 1) */
  next(): number;
}

export function createArrivalProcess(config: ArrivalConfig | undefined, random: () => number): ArrivalProcess {
  const kind = config?.process ?? 'constant';
  if (kind === 'constant') return { name: 'constant', first: () => 0, next: () => 1 };
  if (kind === 'poisson') {
    const next = () => exponential(random);
    return { name: 'poisson', first: next, next };
  }
  const k = config?.burstiness ?? 1;
  const next = () => gamma(k, random) / k;
  return { name: `gamma(${k})`, first: next, next };
}

/** A draw in (0, 1]: never 0, so logarithms stay finite. */
const open01 = (random: () => number) => 1 - random();

/** Exponential with mean 1. */
export function exponential(random: () => number): number {
  return -Math.log(open01(random));
}

/** Standard normal (Box–Muller, one of the pair). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(open01(random))) * Math.cos(2 * Math.PI * random());
}

/**
 * Gamma with shape k and scale 1 (mean k): Marsaglia and Tsang's method for k ≥ 1, and for
 * k < 1 the boost Gamma(k) = Gamma(k + 1) · U^(1/k).
 */
export function gamma(k: number, random: () => number): number {
  if (k < 1) return gamma(k + 1, random) * open01(random) ** (1 / k);
  const d = k - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = open01(random);
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
