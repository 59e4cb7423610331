/**
 * Polls a batch until it reaches a terminal status, with exponential backoff (the
 * exponential-backoff package: start, ×factor, cap, full jitter, max polls; max wait checked
 * between polls), cut short by the run's abort signal. Keeps, on our clock, how long the batch
 * was observed in each status (the fallback when the server sends no timestamps) and when the
 * polls around the end were sent and answered (for the notice lag: lifecycle.ts).
 */
import { performance } from 'node:perf_hooks';
import { onAbort } from '../../engine/abort-hub.js';
import { backOff } from 'exponential-backoff';
import { CheckFailure, RUN_STOPPED } from '../../http/errors.js';
import { readJson } from '../../http/client.js';
import type { PollConfig } from '../../config/types.js';
import type { ScenarioContext } from '../types.js';
import type { ObservedLifecycle } from './lifecycle.js';
import { isActive, isTerminal, type BatchObject } from './wire.js';

const UNKNOWN_STATUS = 'poll: unknown status ';

/** Not terminal yet: poll again. */
class StillRunning extends Error {}
/** Stop polling: the batch can't be followed (unknown status, run stopped). */
class StopPolling extends Error {}

export type PollOutcome =
  | { ok: true; batch: BatchObject; polls: number; observed: ObservedLifecycle; lastActiveSentMs?: number; seenMs: number }
  | { ok: false; reason: string; polls: number; batch?: BatchObject };

export interface PollStart {
  /** performance.now() when the create's answer arrived: polling starts from there */
  createdAtMs: number;
  /** the status the create answered */
  initialStatus: string;
  /** stop at the first status this accepts (default: a terminal one) */
  until?: (status: string) => boolean;
  /** told each status a poll sees that differs from the last one */
  onStatus?: (status: string) => void;
}

export async function pollUntilTerminal(
  ctx: ScenarioContext,
  url: string,
  name: string,
  poll: PollConfig,
  start: PollStart,
): Promise<PollOutcome> {
  const until = start.until ?? isTerminal;
  let polls = 0;
  let last: BatchObject | undefined;
  // time observed in each status: from the first poll that saw it to the first that saw the next
  const observed: ObservedLifecycle['statuses'] = [];
  let status = start.initialStatus;
  let statusSince = start.createdAtMs;
  let lastActiveSentMs: number | undefined;
  let seenMs = start.createdAtMs;
  const observe = (next: string, now: number) => {
    if (next === status) return;
    observed.push({ status, ms: now - statusSince });
    status = next;
    statusSince = now;
    start.onStatus?.(next);
  };

  const pollOnce = async (): Promise<BatchObject> => {
    if (ctx.signal.aborted) throw new StopPolling(RUN_STOPPED);
    polls++;
    const sentMs = performance.now();
    const res = await ctx.http.call({ name, method: 'GET', url, headers: ctx.authHeaders }, async (r) => {
      const batch = await readJson<BatchObject>(r.body);
      if (typeof batch?.status !== 'string') throw new CheckFailure('poll: batch has no status');
      if (!isTerminal(batch.status) && !isActive(batch.status)) throw new CheckFailure(`${UNKNOWN_STATUS}'${batch.status.slice(0, 40)}'`);
      return batch;
    });
    if (ctx.signal.aborted) throw new StopPolling(RUN_STOPPED);
    if (!res.ok) {
      if (res.error.startsWith(UNKNOWN_STATUS)) throw new StopPolling(res.error);
      throw new StillRunning(res.error); // a failed poll is recorded; keep polling
    }
    const now = performance.now();
    last = res.value;
    observe(res.value.status, now);
    if (until(res.value.status) || isTerminal(res.value.status)) {
      seenMs = now;
      return res.value;
    }
    lastActiveSentMs = sentMs;
    throw new StillRunning(res.value.status);
  };

  const started = performance.now();
  const polling = backOff(pollOnce, {
    numOfAttempts: poll.maxPolls,
    startingDelay: poll.initialMs,
    timeMultiple: poll.factor,
    maxDelay: poll.maxIntervalMs,
    jitter: poll.jitter ? 'full' : 'none',
    delayFirstAttempt: true,
    retry: (err: unknown) => err instanceof StillRunning && !ctx.signal.aborted && performance.now() - started < poll.maxWaitMs,
  });
  // the backoff's own sleep cannot be cancelled: on abort we stop waiting for it, and the next
  // attempt it makes ends at once (pollOnce checks the signal before sending anything)
  polling.catch(() => undefined);
  let cancelWait = (): void => undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    cancelWait = onAbort(ctx.signal, () => resolve('stopped'));
  });

  try {
    const batch = await Promise.race([polling, stopped]);
    if (batch === 'stopped') return { ok: false, reason: RUN_STOPPED, polls, batch: last };
    return { ok: true, batch, polls, observed: { statuses: observed, turnaroundMs: seenMs - start.createdAtMs }, lastActiveSentMs, seenMs };
  } catch (err) {
    if (ctx.signal.aborted) return { ok: false, reason: RUN_STOPPED, polls, batch: last };
    if (err instanceof StopPolling) return { ok: false, reason: err.message, polls, batch: last };
    const reason = polls >= poll.maxPolls ? `poll: not terminal after ${polls} polls` : `poll: not terminal after max wait`;
    return { ok: false, reason, polls, batch: last };
  } finally {
    // the run signal lives as long as the run: a waiter per workflow would pile up
    cancelWait();
  }
}
