/**
 * A thin wrapper over hdr-histogram-js that stores one metric's samples in integer "raw" units:
 *   - 'ms'    → microseconds (value × 1000, rounded): 1 µs resolution
 *   - 'rate'  → value × 1000, rounded: 0.001 resolution
 *   - 'count' → the value rounded to an integer
 * 3 significant digits, auto-resizing (no overflow, no clamping), 64-bit counts, pure JS.
 *
 * hdr-histogram only knows bucket bounds, so we also keep the exact count, min, max and sum next
 * to it. Percentiles come from hdr (the highest value equivalent to the bucket, HdrHistogram's
 * convention) clamped into [min, max], so p99 never exceeds max (unlike Locust).
 *
 * Rejected samples: NaN, ±Infinity and negative values are not recorded; `record` returns false
 * and the caller decides (the recorder counts them in `invalid_samples`). Values below the
 * resolution round to the nearest raw unit, so 0 is a valid sample.
 */
import * as hdr from 'hdr-histogram-js';
import type { Distribution, TrendUnit } from './types.js';

/** Raw units per unit of the trend: ms → µs, rate → thousandths, count → itself. */
export const UNIT_SCALE: Record<TrendUnit, number> = { ms: 1000, rate: 1000, count: 1 };

/** Percentiles every Distribution carries (p999 = 99.9). */
export const STANDARD_PERCENTILES = [50, 90, 95, 99, 99.9] as const;

function newHdr(): hdr.Histogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

export function isTrendUnit(u: unknown): u is TrendUnit {
  return u === 'ms' || u === 'rate' || u === 'count';
}

export class MetricHistogram {
  readonly unit: TrendUnit;
  private readonly scale: number;
  private h: hdr.Histogram;
  private n = 0;
  private rawMin = Number.POSITIVE_INFINITY;
  private rawMax = 0;
  private rawSum = 0;

  constructor(unit: TrendUnit = 'ms') {
    this.unit = unit;
    this.scale = UNIT_SCALE[unit];
    this.h = newHdr();
  }

  /** Samples recorded. */
  get count(): number {
    return this.n;
  }

  /** Records one value in the trend's unit; false (and nothing recorded) when it is invalid. */
  record(value: number): boolean {
    if (!Number.isFinite(value) || value < 0) return false;
    const raw = Math.round(value * this.scale);
    this.h.recordValue(raw);
    this.n++;
    if (raw < this.rawMin) this.rawMin = raw;
    if (raw > this.rawMax) this.rawMax = raw;
    this.rawSum += raw;
    return true;
  }

  /** Adds every sample of `other` (same unit) into this one. */
  add(other: MetricHistogram): void {
    if (other.unit !== this.unit) {
      throw new Error(`cannot merge a '${other.unit}' histogram into a '${this.unit}' one`);
    }
    if (other.n === 0) return;
    this.h.add(other.h);
    this.n += other.n;
    this.rawMin = Math.min(this.rawMin, other.rawMin);
    this.rawMax = Math.max(this.rawMax, other.rawMax);
    this.rawSum += other.rawSum;
  }

  reset(): void {
    this.h.reset();
    this.n = 0;
    this.rawMin = Number.POSITIVE_INFINITY;
    this.rawMax = 0;
    this.rawSum = 0;
  }

  /** Value at percentile p (0..100] in the trend's unit; 0 when empty. */
  percentile(p: number): number {
    if (this.n === 0) return 0;
    const raw = this.h.getValueAtPercentile(p);
    return Math.min(Math.max(raw, this.rawMin), this.rawMax) / this.scale;
  }

  get min(): number {
    return this.n === 0 ? 0 : this.rawMin / this.scale;
  }

  get max(): number {
    return this.n === 0 ? 0 : this.rawMax / this.scale;
  }

  get mean(): number {
    return this.n === 0 ? 0 : this.rawSum / this.n / this.scale;
  }

  /** Compressed base64 of the raw histogram (hdr-histogram-js format, e.g. µs for 'ms'). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.h);
  }

  /** Summary in the trend's unit. `withHistogram: false` leaves `histogram` empty (cheaper). */
  distribution(withHistogram = true): Distribution {
    return {
      count: this.n,
      min: this.min,
      mean: this.mean,
      max: this.max,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      histogram: withHistogram ? this.encode() : '',
    };
  }

  /**
   * Rebuilds a histogram from `encode()` output. Pass the Distribution it came from so the exact
   * min/max/mean survive (the encoding alone only knows bucket bounds); without it they are
   * taken from the buckets.
   */
  static decode(base64: string, unit: TrendUnit = 'ms', exact?: Pick<Distribution, 'count' | 'min' | 'max' | 'mean'>): MetricHistogram {
    const out = new MetricHistogram(unit);
    if (!base64) {
      if (exact && exact.count > 0) throw new Error('histogram missing: cannot rebuild a non-empty distribution');
      return out;
    }
    const decoded = hdr.decodeFromCompressedBase64(base64, 64, false);
    decoded.autoResize = true;
    out.h = decoded;
    out.n = decoded.totalCount;
    if (out.n === 0) return out;
    if (exact && exact.count === out.n) {
      out.rawMin = Math.round(exact.min * out.scale);
      out.rawMax = Math.round(exact.max * out.scale);
      // mean × count recovers the exact integer sum (raw values are integers)
      out.rawSum = Math.round(exact.mean * exact.count * out.scale);
    } else {
      out.rawMin = decoded.getValueAtPercentile(0);
      out.rawMax = decoded.maxValue;
      out.rawSum = decoded.mean * out.n;
    }
    return out;
  }

  /** Rebuilds from a Distribution (snapshot / JSON report), exact min/max/mean included. */
  static fromDistribution(d: Distribution, unit: TrendUnit = 'ms'): MetricHistogram {
    return MetricHistogram.decode(d.histogram, unit, d);
  }

  /** A new histogram holding the samples of both. */
  static merge(a: MetricHistogram, b: MetricHistogram): MetricHistogram {
    const out = new MetricHistogram(a.unit);
    out.add(a);
    out.add(b);
    return out;
  }
}
