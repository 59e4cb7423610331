import { rateLimited } from './http/errors.js';

/** A slot in the capacity model: the generation may start at `startAt` (performance.now() ms). */
export interface Slot {
  readonly startAt: number;
}

interface Waiter {
  arrivedAt: number;
  resolve: (slot: Slot) => void;
}

/**
 * The mock's capacity model (`--max-concurrency`, `--max-queue`): at most `maxConcurrency`
 * generations (online and batch lines alike) run at once; the rest wait in one FIFO queue, and the
 * wait is added to their time to first token. An online request that would find more than
 * `maxQueue` waiting is refused with 429 `rate_limit_exceeded` (batch lines always wait).
 *
 * Slots are handed over on the clock, not when the previous holder's timer fires: a slot freed
 * at its planned end starts the next generation at that planned time, so late timers on a busy
 * event loop do not add up and the throughput stays maxConcurrency / service time.
 */
export class CapacityGate {
  private active = 0;
  private peakActive = 0;
  private readonly queue: Array<Waiter | undefined> = [];
  private head = 0;
  private peakQueue = 0;
  private waited = 0;
  private rejected = 0;

  constructor(
    readonly maxConcurrency: number,
    readonly maxQueue: number,
    private readonly retryAfterSeconds: number,
  ) {}

  get queueDepth(): number {
    return this.queue.length - this.head;
  }

  /**
   * Takes a slot: at once when one is free, else a place in the queue (the promise settles when
   * a slot is handed over). Throws the 429 when `online` and the queue is full.
   */
  acquire(online: boolean): Slot | Promise<Slot> {
    const now = performance.now();
    if (this.active < this.maxConcurrency) {
      if (++this.active > this.peakActive) this.peakActive = this.active;
      return { startAt: now };
    }
    if (online && this.queueDepth >= this.maxQueue) {
      this.rejected++;
      throw rateLimited(this.retryAfterSeconds, `The server is at capacity: ${this.maxQueue} requests are already waiting.`);
    }
    this.waited++;
    return new Promise<Slot>((resolve) => {
      this.queue.push({ arrivedAt: now, resolve });
      const depth = this.queueDepth;
      if (depth > this.peakQueue) this.peakQueue = depth;
    });
  }

  /** The generation that held a slot ended (as planned) at `endAt`: the slot goes to the next in line. */
  release(endAt: number): void {
    if (this.head < this.queue.length) {
      const waiter = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      waiter.resolve({ startAt: Math.max(waiter.arrivedAt, endAt) });
      return;
    }
    this.active--;
  }

  /** Server closing: every waiter gets its slot now (their sleeps then end at once). */
  releaseAll(): void {
    const now = performance.now();
    while (this.head < this.queue.length) {
      const waiter = this.queue[this.head]!;
      this.queue[this.head++] = undefined;
      waiter.resolve({ startAt: now });
    }
  }

  snapshot(): CapacityStats {
    return {
      maxConcurrency: this.maxConcurrency,
      maxQueue: Number.isFinite(this.maxQueue) ? this.maxQueue : null,
      concurrency: this.active,
      peakConcurrency: this.peakActive,
      queueDepth: this.queueDepth,
      peakQueueDepth: this.peakQueue,
      queued: this.waited,
      rejected: this.rejected,
    };
  }
}

export interface CapacityStats {
  /** --max-concurrency (0: no capacity model; every other field then stays 0). */
  maxConcurrency: number;
  /** --max-queue; null = unbounded. */
  maxQueue: number | null;
  /** Generations running now, and the most at once. */
  concurrency: number;
  peakConcurrency: number;
  /** Generations waiting for a slot now, and the most at once. */
  queueDepth: number;
  peakQueueDepth: number;
  /** Generations that had to wait; online requests refused with 429 because the queue was full. */
  queued: number;
  rejected: number;
}

export const NO_CAPACITY_STATS: CapacityStats = Object.freeze({
  maxConcurrency: 0,
  maxQueue: null,
  concurrency: 0,
  peakConcurrency: 0,
  queueDepth: 0,
  peakQueueDepth: 0,
  queued: 0,
  rejected: 0,
});
