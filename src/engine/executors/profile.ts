/**
 * A target over time: piecewise linear, from a start value through each stage's target
 * (`--stages`), then held at the last value. Used as users (closed model: the integer level)
 * and as a start rate per second (open model: its integral is the expected number of starts,
 * and its inverse maps a cumulative count back to the time it falls due).
 */
import type { Stage } from '../../config/types.js';

interface Segment {
  /** ms from the start */
  t0: number;
  t1: number;
  v0: number;
  v1: number;
  /** ∫ from 0 to t0, in value × seconds */
  area0: number;
}

export class Profile {
  private readonly segments: Segment[] = [];
  /** ms at which the last stage ends (Infinity for a constant) */
  readonly durationMs: number;
  private readonly last: number;
  private readonly totalArea: number;

  constructor(start: number, stages: readonly Stage[] = []) {
    let t = 0;
    let v = start;
    let area = 0;
    for (const s of stages) {
      if (s.durationMs <= 0) {
        v = s.target;
        continue;
      }
      const seg = { t0: t, t1: t + s.durationMs, v0: v, v1: s.target, area0: area };
      this.segments.push(seg);
      area += ((v + s.target) / 2) * (s.durationMs / 1000);
      t = seg.t1;
      v = s.target;
    }
    this.durationMs = stages.length > 0 ? t : Number.POSITIVE_INFINITY;
    this.last = v;
    this.totalArea = area;
  }

  /** A constant value for ever. */
  static constant(value: number): Profile {
    return new Profile(value);
  }

  private segmentAt(tMs: number): Segment | undefined {
    // few stages: a scan is cheaper than a search
    for (const s of this.segments) if (tMs < s.t1) return s;
    return undefined;
  }

  /** The target at `tMs` ms from the start. */
  valueAt(tMs: number): number {
    if (tMs <= 0 && this.segments.length > 0) return this.segments[0]!.v0;
    const s = this.segmentAt(tMs);
    if (!s) return this.last;
    return s.v0 + ((s.v1 - s.v0) * (tMs - s.t0)) / (s.t1 - s.t0);
  }

  /** ∫ from 0 to `tMs` of the value, in value × seconds (for a rate: the expected starts). */
  integral(tMs: number): number {
    if (tMs <= 0) return 0;
    const s = this.segmentAt(tMs);
    if (!s) return this.totalArea + this.last * ((tMs - this.endOfStages()) / 1000);
    const tau = (tMs - s.t0) / 1000;
    const d = (s.t1 - s.t0) / 1000;
    return s.area0 + s.v0 * tau + ((s.v1 - s.v0) * tau * tau) / (2 * d);
  }

  /** The first time (ms) at which the integral reaches `x`; Infinity when it never does. */
  timeOfIntegral(x: number): number {
    if (x <= 0) return 0;
    for (const s of this.segments) {
      const d = (s.t1 - s.t0) / 1000;
      const segArea = ((s.v0 + s.v1) / 2) * d;
      if (x > s.area0 + segArea) continue;
      const y = x - s.area0;
      // v0·τ + a·τ² = y with a = (v1 − v0) / 2d, solved in the form that stays exact as a → 0
      const a = (s.v1 - s.v0) / (2 * d);
      const disc = Math.max(0, s.v0 * s.v0 + 4 * a * y);
      const denom = s.v0 + Math.sqrt(disc);
      const tau = denom > 0 ? (2 * y) / denom : d;
      return s.t0 + Math.min(d, tau) * 1000;
    }
    if (this.last <= 0) return Number.POSITIVE_INFINITY;
    return this.endOfStages() + ((x - this.totalArea) / this.last) * 1000;
  }

  /**
   * The integer level (users) at `tMs`: ⌊value⌋, and the next time after `tMs` at which it
   * changes (Infinity when it never does again).
   */
  levelAt(tMs: number): number {
    return Math.max(0, Math.floor(this.valueAt(tMs) + 1e-9));
  }

  nextLevelChange(tMs: number): number {
    const level = this.levelAt(tMs);
    for (const s of this.segments) {
      if (tMs >= s.t1) continue;
      const from = Math.max(tMs, s.t0);
      const v = s.v0 + ((s.v1 - s.v0) * (from - s.t0)) / (s.t1 - s.t0);
      const slope = (s.v1 - s.v0) / (s.t1 - s.t0);
      if (from > tMs && Math.floor(v + 1e-9) !== level) return from;
      if (slope > 0) {
        const at = s.t0 + (level + 1 - s.v0) / slope;
        if (at < s.t1) return Math.max(at, tMs + 1e-6);
      } else if (slope < 0 && level > 0) {
        // the level drops once the value falls below it
        const at = s.t0 + (level - s.v0) / slope;
        if (at < s.t1) return Math.max(at, tMs) + 0.5;
      }
      if (Math.floor(s.v1 + 1e-9) !== level) return s.t1;
    }
    return Number.POSITIVE_INFINITY;
  }

  private endOfStages(): number {
    return this.segments.length > 0 ? this.segments[this.segments.length - 1]!.t1 : 0;
  }

  /** The largest value the profile takes. */
  get max(): number {
    let m = this.last;
    for (const s of this.segments) m = Math.max(m, s.v0, s.v1);
    return m;
  }
}
