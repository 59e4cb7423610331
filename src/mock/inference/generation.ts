import type { Slot } from '../capacity.js';
import type { EventSink } from '../http/reply.js';
import { LatencyModel, type TokenTiming } from '../latency.js';
import type { InferenceDeps } from './deps.js';

/**
 * Admits one generation under the capacity model: a slot now, or a promise of one (queued).
 * Throws the 429 when `online` and the queue is full. Without a capacity model it starts now.
 * Call it synchronously where the request is accepted, so a 429 goes out before any stream header.
 */
export function admit(deps: InferenceDeps, online: boolean): Slot | Promise<Slot> {
  return deps.capacity === null ? { startAt: performance.now() } : deps.capacity.acquire(online);
}

/** A whole (non-streamed) generation: waits for its slot, then until start + `totalMs`; frees the slot. */
export async function generate(deps: InferenceDeps, slot: Slot | Promise<Slot>, totalMs: number): Promise<void> {
  const { startAt } = await slot;
  const end = startAt + totalMs;
  const wait = end - performance.now();
  if (wait > 0) await deps.timers.sleep(wait);
  deps.capacity?.release(end);
}

/** A batch line's generation of `tokens` output tokens: draws its latency, waits for a slot and the time. */
export function generateLine(deps: InferenceDeps, tokens: number): Promise<void> {
  return generate(deps, admit(deps, false), LatencyModel.totalMs(deps.latency.draw(), tokens));
}

/**
 * A streamed generation of `total` tokens: waits for its slot, calls `first()` at start + time to
 * first token, then `token(i)` for each token on the per-token clock (several per timer tick when
 * behind). Frees the slot when done, or as soon as the client or the server went away.
 * Resolves true when every token was sent and the stream is still open.
 */
export async function streamTokens(
  deps: InferenceDeps,
  slot: Slot | Promise<Slot>,
  timing: TokenTiming,
  total: number,
  sink: EventSink,
  first: () => void,
  token: (i: number) => void,
): Promise<boolean> {
  const { startAt } = await slot;
  try {
    const firstAt = startAt + timing.firstTokenMs;
    if (!(await sink.sleep(firstAt - performance.now()))) return false;
    if (!sink.open) return false;
    first();
    let sent = 0;
    while (sent < total && sink.open) {
      // max(0, ·): a timer may fire a fraction of a millisecond before firstAt; token 0 still goes with first().
      const elapsed = Math.max(0, performance.now() - firstAt);
      const due = timing.perTokenMs > 0 ? Math.min(total, 1 + Math.floor(elapsed / timing.perTokenMs)) : total;
      for (; sent < due; sent++) token(sent);
      if (sent < total && !(await sink.sleep(Math.max(1, timing.perTokenMs)))) return false;
    }
    return sink.open;
  } finally {
    deps.capacity?.release(Math.min(startAt + LatencyModel.totalMs(timing, total), performance.now()));
  }
}
