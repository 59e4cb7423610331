/**
 * Batches in flight by status: a gauge for the time series ("how the batches moved through
 * their statuses"). A workflow's batch enters when its create is answered, moves as its polls
 * see a new status, and leaves when its polling ends (terminal, given up, or stopped).
 * O(1) per change: one count per status, however many batches are polled at once.
 */
export interface BatchTracker {
  /** the batch was seen in `status` */
  set(status: string): void;
  /** polling is over: the batch is no longer in flight (idempotent) */
  done(): void;
}

export class BatchesInFlight {
  private readonly counts = new Map<string, number>();

  track(status: string): BatchTracker {
    let current: string | undefined = status;
    this.add(status, 1);
    return {
      set: (next) => {
        if (current === undefined || next === current) return;
        this.add(current, -1);
        this.add(next, 1);
        current = next;
      },
      done: () => {
        if (current === undefined) return;
        this.add(current, -1);
        current = undefined;
      },
    };
  }

  /** Batches per status now; every status seen so far is listed (0 once none is in it). */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  private add(status: string, n: number): void {
    this.counts.set(status, (this.counts.get(status) ?? 0) + n);
  }
}
