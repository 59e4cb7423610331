/**
 * Every delay the server waits on (latency, batch phases) goes through one registry,
 * so `close()` can cut them all short and tests never wait on a sleeping handler.
 */
export class TimerRegistry {
  private readonly pending = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  get isClosed(): boolean {
    return this.closed;
  }

  /** Resolves after `ms`, or immediately (with `false`) once the registry is closed. */
  sleep(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        resolve(true);
      }, Math.max(0, ms));
      this.pending.set(timer, () => resolve(false));
    });
  }

  /** Runs `fn` after `ms` unless cancelled or closed first; the timer does not keep the process alive. */
  schedule(ms: number, fn: () => void): () => void {
    if (this.closed) return () => undefined;
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      fn();
    }, Math.min(Math.max(0, ms), 2_147_483_647));
    timer.unref();
    this.pending.set(timer, () => undefined);
    return () => {
      clearTimeout(timer);
      this.pending.delete(timer);
    };
  }

  closeAll(): void {
    this.closed = true;
    for (const [timer, wake] of this.pending) {
      clearTimeout(timer);
      wake();
    }
    this.pending.clear();
  }
}
