import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { parseSlo } from '../../src/config/slo.js';
import { parseStages } from '../../src/config/stages.js';
import { rawFromArgv } from '../../src/options/cli.js';
import { RUN_OPTIONS } from '../../src/options/run-options.js';

describe('load shape options', () => {
  it('--sweep alone is 10 steps; a number sets them; step time, warm-up and refine default', () => {
    expect(resolveRunConfig({ scenario: 'chat', sweep: '' }).sweep).toEqual({ steps: 10, stepTimeMs: 30_000, warmupMs: 5000, refine: false });
    expect(resolveRunConfig({ scenario: 'chat', sweep: '6', stepTime: '10s', warmup: 0, refine: true }).sweep).toEqual({ steps: 6, stepTimeMs: 10_000, warmupMs: 0, refine: true });
    expect(resolveRunConfig({ scenario: 'chat' }, { env: {} }).sweep).toBeUndefined();
    // the bare flag from the command line, and true from an env var
    const { raw } = rawFromArgv({ sweep: '' }, RUN_OPTIONS);
    expect(resolveRunConfig({ scenario: 'chat', ...raw }).sweep!.steps).toBe(10);
    expect(resolveRunConfig({ scenario: 'chat', sweep: 'true' }).sweep!.steps).toBe(10);
  });

  it('a sweep opens sockets enough for its rate steps, and its rate steps get the dropped-starts threshold', () => {
    const c = resolveRunConfig({ scenario: 'chat', sweep: 5 });
    expect(c.connections).toBe(1000);
    expect(c.thresholds.map((t) => t.metric)).toContain('dropped_iterations_ratio');
    expect(resolveRunConfig({ scenario: 'batch', sweep: 5 }).thresholds.map((t) => t.metric)).not.toContain('dropped_iterations_ratio');
  });

  it('stages: users set the most users and the run time; with --rate or --arrival they are rates', () => {
    const users = resolveRunConfig({ scenario: 'chat', stages: '30s:10,2m:100,30s:0' });
    expect(users.stages).toEqual({ of: 'users', stages: [{ durationMs: 30_000, target: 10 }, { durationMs: 120_000, target: 100 }, { durationMs: 30_000, target: 0 }] });
    expect(users.runTimeMs).toBe(180_000);
    expect(users.users).toBe(100);
    const rates = resolveRunConfig({ scenario: 'chat', stages: '10s:2.5', arrival: 'poisson', users: 7 });
    expect(rates.stages!.of).toBe('rate');
    expect(rates.users).toBe(7);
    expect(rates.arrival).toEqual({ process: 'poisson', burstiness: 1 });
    expect(rates.thresholds.map((t) => t.metric)).toContain('dropped_iterations_ratio');
  });

  it('the soak preset: 100 users, 10/s, 30 minutes', () => {
    const c = resolveRunConfig({ preset: 'soak', scenario: 'chat' });
    expect([c.users, c.spawnRate, c.runTimeMs]).toEqual([100, 10, 1_800_000]);
  });

  it('stage and SLO grammars', () => {
    expect(parseStages(' 1m30s:5 , 500ms:0.5')).toEqual([{ durationMs: 90_000, target: 5 }, { durationMs: 500, target: 0.5 }]);
    expect(() => parseStages('1m:-1')).toThrow(/not a number ≥ 0/);
    expect(parseSlo('ttft<=500ms, tpot<50ms,e2e<=10')).toEqual([
      { metric: 'ttft', op: '<=', valueMs: 500, source: 'ttft<=500ms' },
      { metric: 'tpot', op: '<', valueMs: 50, source: 'tpot<50ms' },
      // a bare number is seconds, as everywhere
      { metric: 'e2e', op: '<=', valueMs: 10_000, source: 'e2e<=10' },
    ]);
  });
});
