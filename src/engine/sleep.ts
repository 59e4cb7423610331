import { onAbort } from './abort-hub.js';

/**
 * setTimeout that resolves early (never rejects) when the signal aborts. O(1) however many users
 * sleep on the same signal (see abort-hub.ts).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    let cancel = (): void => undefined;
    const timer = setTimeout(() => {
      cancel();
      resolve();
    }, ms);
    if (signal) {
      cancel = onAbort(signal, () => {
        clearTimeout(timer);
        resolve();
      });
    }
  });
}
