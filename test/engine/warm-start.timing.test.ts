/**
 * Warm start: the first seconds of a run measure the server, not the tester warming up. 50 users
 * start at once against the mock at a fixed 50 ms (a child process, warmed up first so only the
 * tester starts cold); the p99 of the first interval stays near the p99 of the rest. Without the
 * warm start (a cold request path, connects in the first requests) the first burst measured
 * about 100 ms above the wire time. Figures: `npm run bench:cold-start`; the bound here is
 * generous for a shared machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { runLoadTest } from '../../src/engine/runner.js';
import { MetricHistogram } from '../../src/metrics/histogram.js';

let mock: ChildProcess;
let url: string;

beforeAll(async () => {
  mock = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'mock', '--port', '0', '--no-auth', '--ttft', '50ms', '--per-token', '0', '--jitter', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for await (const line of createInterface({ input: mock.stdout! })) {
    const m = /http:\/\/127\.0\.0\.1:\d+/.exec(line);
    if (m) {
      url = m[0];
      break;
    }
  }
  // the mock's own first requests are not what this test is about
  const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 });
  for (let round = 0; round < 10; round++) {
    await Promise.all(
      Array.from({ length: 50 }, () => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.text())),
    );
  }
});

afterAll(() => {
  mock.kill();
});

describe('warm start', () => {
  it('50 users at once against a fixed 50 ms server: the first interval’s p99 is close to the rest’s', async () => {
    const config = resolveRunConfig({
      host: url,
      scenario: 'chat',
      users: 50,
      spawnRate: 50,
      waitMin: 0,
      waitMax: 0,
      maxTokens: 1,
      runTime: '6s',
      progressInterval: '2s',
      apiKey: 'test',
      defaultThresholds: false,
      onlySummary: true,
    });
    let first: MetricHistogram | undefined;
    const rest = new MetricHistogram('ms');
    const result = await runLoadTest(config, {
      onProgress: (p) => {
        if (first === undefined) first = p.interval.latency;
        else rest.add(p.interval.latency);
      },
    });
    expect(result.metrics.aggregated.failures).toBe(0);
    // every user's connection was opened before the clock, none after
    expect(result.metrics.counters.connections_opened).toBe(50);
    expect(first!.count).toBeGreaterThan(500);
    // without the warm start: about 95 ms above; with it, within a few ms on a quiet machine
    expect(first!.percentile(99) - rest.percentile(99)).toBeLessThan(40);
  });
});
