import type { TimerRegistry } from './timers.js';

/** How many stored objects of one kind are kept, and for how long (0 = no limit). */
export interface RetentionLimits {
  count: number;
  ageMs: number;
}

/**
 * Objects eligible for eviction, oldest first (a Map keeps insertion order, and entries are added
 * as they become eligible). Past `count` entries, or `ageMs` after an entry was added, `evict` is
 * called for the oldest. One timer at a time, armed for the oldest entry's deadline.
 */
export class RetentionQueue<K> {
  private readonly entries = new Map<K, number>();
  private timerArmed = false;

  constructor(
    private readonly limits: RetentionLimits,
    private readonly timers: TimerRegistry,
    private readonly evict: (key: K) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  add(key: K): void {
    this.entries.delete(key);
    this.entries.set(key, Date.now());
    this.enforce();
  }

  /** The object left the queue another way (deleted, or no longer eligible). */
  remove(key: K): void {
    this.entries.delete(key);
  }

  private enforce(): void {
    const { count, ageMs } = this.limits;
    if (count > 0) {
      for (const key of this.entries.keys()) {
        if (this.entries.size <= count) break;
        this.take(key);
      }
    }
    if (ageMs <= 0) return;
    const cutoff = Date.now() - ageMs;
    for (const [key, since] of this.entries) {
      if (since > cutoff) {
        this.arm(since + ageMs);
        return;
      }
      this.take(key);
    }
  }

  private take(key: K): void {
    this.entries.delete(key);
    this.evict(key);
  }

  private arm(at: number): void {
    if (this.timerArmed) return;
    this.timerArmed = true;
    this.timers.schedule(at - Date.now(), () => {
      this.timerArmed = false;
      this.enforce();
    });
  }
}
