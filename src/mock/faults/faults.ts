import type { FaultRates } from '../config/options.js';
import type { Rng } from '../util/rng.js';

export type FaultKind = 'error500' | 'error429' | 'reset' | 'hang' | 'truncated' | 'malformed';

const ORDER: readonly FaultKind[] = ['error500', 'error429', 'reset', 'hang', 'truncated', 'malformed'];

/** Cumulative thresholds of one route's fault rates: one random draw picks at most one fault. */
export class FaultPlan {
  private readonly thresholds: number[] = [];
  readonly active: boolean;

  constructor(rates: Required<FaultRates>) {
    let sum = 0;
    for (const kind of ORDER) {
      sum += rates[kind];
      this.thresholds.push(sum);
    }
    this.active = sum > 0;
  }

  /** Draws only when a rate is set, so a fault-free server never consumes random numbers. */
  draw(rng: Rng): FaultKind | null {
    if (!this.active) return null;
    const r = rng.next();
    for (let i = 0; i < ORDER.length; i++) if (r < this.thresholds[i]!) return ORDER[i]!;
    return null;
  }
}

export const NO_FAULT_PLAN = new FaultPlan({ error500: 0, error429: 0, reset: 0, hang: 0, truncated: 0, malformed: 0 });

/**
 * The rates for one served route: global rates (API routes only), then the entry written with
 * the canonical `/v1` base path, then the entry for the exact route key, each overriding key by key.
 */
export function faultRatesFor(
  routeKey: string,
  canonicalKey: string,
  isApiRoute: boolean,
  global: Required<FaultRates>,
  routes: Record<string, FaultRates>,
): Required<FaultRates> {
  const base: Required<FaultRates> = isApiRoute ? { ...global } : { ...NO_RATES };
  return { ...base, ...defined(routes[canonicalKey]), ...defined(routes[routeKey]) };
}

const NO_RATES: Required<FaultRates> = { error500: 0, error429: 0, reset: 0, hang: 0, truncated: 0, malformed: 0 };

function defined(rates: FaultRates | undefined): FaultRates {
  if (!rates) return {};
  const out: FaultRates = {};
  for (const kind of ORDER) if (rates[kind] !== undefined) out[kind] = rates[kind];
  return out;
}
