/**
 * A weighted scenario mix through the lead's engine (runLoadTest): over ≥ 2,000 iterations each
 * scenario's share is within 5 percentage points of its weight share, and every iteration's
 * request reached the (embedded) mock.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioWeight } from '../../../src/config/types.js';
import { runLoadTest } from '../../../src/engine/runner.js';
import { createScenario } from '../../../src/scenarios/index.js';
import { makeConfig } from './fixtures.js';

const MIX: ScenarioWeight[] = [
  { name: 'chat', weight: 3 },
  { name: 'responses', weight: 1 },
  { name: 'embeddings', weight: 1 },
  { name: 'health', weight: 1 },
];
const TOTAL = 2400;

function registryHasOnlineScenarios(): boolean {
  try {
    createScenario('chat', makeConfig('http://127.0.0.1:9'), 'http://127.0.0.1:9/v1');
    return true;
  } catch {
    return false;
  }
}

describe('weighted mix', () => {
  it.skipIf(!registryHasOnlineScenarios())(`splits ${TOTAL} iterations within 5% of the weights`, async () => {
    const config = makeConfig('', (c) => {
      c.target.embedded = true;
      c.auth.apiKey = undefined;
      c.scenarios = MIX;
      c.users = 24;
      c.spawnRate = 1000;
      c.iterations = TOTAL;
      c.runTimeMs = 30_000;
      c.payload.streamRatio = 0.5;
      c.seed = 12345;
    });
    const result = await runLoadTest(config);
    const m = result.metrics;
    const counts = MIX.map((s) => m.counters[`iterations:${s.name}`] ?? 0);
    const done = counts.reduce((a, b) => a + b, 0);
    expect(done).toBeGreaterThanOrEqual(2000);
    const totalWeight = MIX.reduce((a, s) => a + s.weight, 0);
    const lines: string[] = [];
    MIX.forEach((s, i) => {
      const share = counts[i]! / done;
      const want = s.weight / totalWeight;
      lines.push(`${s.name} ${counts[i]} (${(share * 100).toFixed(1)}% vs ${(want * 100).toFixed(1)}%)`);
      expect(Math.abs(share - want), s.name).toBeLessThan(0.05);
    });
    expect(m.aggregated.failures).toBe(0);
    // one request per online iteration
    const online = Object.values(m.requests).filter((r) => !r.name.includes('[api key]'));
    expect(online.reduce((a, r) => a + r.count, 0)).toBe(done);
    console.log(`[must-show] mix over ${done}: ${lines.join(', ')}`);
  });
});
