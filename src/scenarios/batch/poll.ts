/**
 * Polls a batch until it reaches a terminal status, with exponential backoff (p-retry: start,
 * ×factor, cap, jitter, max polls, max wait) that the run's abort signal cuts short. Records how
 * long the batch was observed in each status.
 */
import { performance } from 'node:perf_hooks';
import pRetry, { AbortError } from 'p-retry';
import { CheckFailure } from '../../http/errors.js';
import { readJson } from '../../http/client.js';
import type { PollConfig } from '../../config/types.js';
import type { ScenarioContext } from '../types.js';
import { sleep } from '../../engine/sleep.js';
import { isActive, isTerminal, type BatchObject } from './wire.js';

class StillRunning extends Error {}

export type PollOutcome =
  | { ok: true; batch: BatchObject; polls: number }
  | { ok: false; reason: string; polls: number; batch?: BatchObject };

export async function pollUntilTerminal(
  ctx: ScenarioContext,
  url: string,
  name: string,
  poll: PollConfig,
  createdAtMs: number,
  initialStatus: string,
): Promise<PollOutcome> {
  let polls = 0;
  let last: BatchObject | undefined;
  // time observed in each status: from the first poll that saw it to the first that saw the next
  let status = initialStatus;
  let statusSince = createdAtMs;
  const observe = (next: string) => {
    if (next === status) return;
    ctx.recorder.trend(`batch_status:${status}`, performance.now() - statusSince, 'ms');
    status = next;
    statusSince = performance.now();
  };

  const pollOnce = async (): Promise<BatchObject> => {
    polls++;
    const res = await ctx.http.call({ name, method: 'GET', url, headers: ctx.authHeaders }, async (r) => {
      const batch = await readJson<BatchObject>(r.body);
      if (typeof batch?.status !== 'string') throw new CheckFailure('poll: batch has no status');
      if (!isTerminal(batch.status) && !isActive(batch.status)) throw new CheckFailure(`poll: unknown batch status '${batch.status.slice(0, 40)}'`);
      return batch;
    });
    if (ctx.signal.aborted) throw new AbortError('run stopped');
    if (!res.ok) {
      if (res.error.startsWith('poll: unknown batch status')) throw new AbortError(res.error);
      throw new StillRunning(res.error); // a failed poll is recorded; keep polling
    }
    last = res.value;
    observe(res.value.status);
    if (isTerminal(res.value.status)) return res.value;
    throw new StillRunning(res.value.status);
  };

  try {
    await sleep(poll.initialMs, ctx.signal);
    const batch = await pRetry(pollOnce, {
      retries: poll.maxPolls - 1,
      factor: poll.factor,
      minTimeout: poll.initialMs,
      maxTimeout: poll.maxIntervalMs,
      randomize: poll.jitter,
      maxRetryTime: poll.maxWaitMs,
      signal: ctx.signal,
    });
    // the terminal status has no "next" status: close it at zero length
    return { ok: true, batch, polls };
  } catch (err) {
    if (ctx.signal.aborted) return { ok: false, reason: 'aborted (run stopped)', polls, batch: last };
    if (err instanceof AbortError) return { ok: false, reason: err.message, polls, batch: last };
    const reason = polls >= poll.maxPolls ? `poll: not terminal after ${polls} polls` : `poll: not terminal after max wait`;
    return { ok: false, reason, polls, batch: last };
  }
}

