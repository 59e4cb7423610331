import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { onAbort } from '../../src/engine/abort-hub.js';
import { sleep } from '../../src/engine/sleep.js';

describe('waits on a shared signal', () => {
  it('10,000 sleepers register one listener on the signal, and all wake on abort', async () => {
    const run = new AbortController();
    const sleeping = Array.from({ length: 10_000 }, () => sleep(60_000, run.signal));
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(1);
    run.abort();
    await Promise.all(sleeping);
  });

  it('a finished sleep leaves nothing behind; a cancelled waiter is never called', async () => {
    const run = new AbortController();
    await sleep(1, run.signal);
    let called = 0;
    const cancel = onAbort(run.signal, () => called++);
    onAbort(run.signal, () => called++);
    cancel();
    run.abort();
    expect(called).toBe(1);
    // an already aborted signal calls at once
    onAbort(run.signal, () => called++);
    expect(called).toBe(2);
  });
});
