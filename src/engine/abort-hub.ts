/**
 * Waiting on a run's signal without a listener per wait. Each `addEventListener`/
 * `removeEventListener` on an AbortSignal scans the signal's whole listener list, so 10,000
 * sleeping users made every wait O(users) (38 % of a 10k-user run's CPU). Here a signal gets one
 * 'abort' listener, and waiters live in a Set: adding and removing one is O(1).
 */
type Waiter = () => void;
const hubs = new WeakMap<AbortSignal, Set<Waiter>>();
const noop = () => undefined;

/** Calls `fn` once when `signal` aborts (at once if it has); returns a function that cancels it. */
export function onAbort(signal: AbortSignal, fn: Waiter): () => void {
  if (signal.aborted) {
    fn();
    return noop;
  }
  let waiters = hubs.get(signal);
  if (!waiters) {
    const set = new Set<Waiter>();
    waiters = set;
    hubs.set(signal, set);
    signal.addEventListener(
      'abort',
      () => {
        hubs.delete(signal);
        for (const w of set) w();
        set.clear();
      },
      { once: true },
    );
  }
  const own = waiters;
  own.add(fn);
  return () => {
    own.delete(fn);
  };
}
