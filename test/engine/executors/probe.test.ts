import { describe, expect, it } from 'vitest';
import { createProbe } from '../../../src/engine/executors/index.js';
import { sleep } from '../../../src/engine/sleep.js';
import { context } from './helpers.js';

describe('probe executor (users set as it goes)', () => {
  it('adds users at once and takes them away at iteration boundaries', async () => {
    let inIteration = 0;
    let peak = 0;
    const ctx = context({ users: 64 }, async () => {
      peak = Math.max(peak, ++inIteration);
      await sleep(10);
      inIteration--;
    });
    const probe = createProbe(ctx, 2);
    const run = probe.run();
    await sleep(60);
    expect(ctx.state.activeUsers).toBe(2);
    probe.setUsers(8);
    expect(ctx.state.activeUsers).toBe(8);
    expect(probe.progress()).toEqual({ targetUsers: 8 });
    await sleep(60);
    expect(peak).toBe(8);
    probe.setUsers(3);
    await sleep(60);
    expect(ctx.state.activeUsers).toBe(3);
    ctx.stop.abort();
    await run;
    expect(ctx.state.activeUsers).toBe(0);
  });
});
