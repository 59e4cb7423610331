import type { ResolvedMockOptions } from './config/defaults.js';
import type { Rng } from './util/rng.js';

/** Delays of one request, drawn once when it starts (so seeded runs repeat exactly). */
export interface TokenTiming {
  firstTokenMs: number;
  perTokenMs: number;
}

const ZERO: TokenTiming = Object.freeze({ firstTokenMs: 0, perTokenMs: 0 });

/** Time to first token + per-token delay, with optional additive and multiplicative jitter. */
export class LatencyModel {
  private readonly zero: boolean;

  constructor(
    private readonly options: ResolvedMockOptions['latency'],
    private readonly rng: Rng,
  ) {
    this.zero = options.ttftMs === 0 && options.perTokenMs === 0 && options.jitterMs === 0;
  }

  draw(): TokenTiming {
    if (this.zero) return ZERO;
    const { ttftMs, perTokenMs, jitterMs, jitterRatio } = this.options;
    let first = ttftMs + (jitterMs > 0 ? this.rng.next() * jitterMs : 0);
    let perToken = perTokenMs;
    if (jitterRatio > 0) {
      first *= 1 + (this.rng.next() * 2 - 1) * jitterRatio;
      perToken *= 1 + (this.rng.next() * 2 - 1) * jitterRatio;
    }
    return { firstTokenMs: Math.max(0, first), perTokenMs: Math.max(0, perToken) };
  }

  /** Whole-response delay of a non-streaming reply with `tokens` output tokens. */
  static totalMs(timing: TokenTiming, tokens: number): number {
    return timing.firstTokenMs + timing.perTokenMs * Math.max(0, tokens - 1);
  }

  /** Output tokens for a request: its max_tokens clamped to the cap, or the default. */
  outputTokens(requested: number | undefined): number {
    if (requested === undefined) return this.options.defaultMaxTokens;
    return Math.min(requested, this.options.maxTokensCap);
  }
}
