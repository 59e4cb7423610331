import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMinSuccess, runBurst } from '../../src/engine/burst.js';
import { makeConfig, rawServer, type RawServer } from '../scenarios/online/fixtures.js';

/** Every `failEvery`-th chat request after the first gets a 500; 0 = never. */
let failEvery = 0;
let seen = 0;
let server: RawServer;

beforeAll(async () => {
  server = await rawServer((req, res) => {
    seen++;
    if (failEvery > 0 && seen > 1 && seen % failEvery === 0) {
      res.writeHead(500, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: 'boom', type: 'server_error', param: null, code: null } }));
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { content: 'hi' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
  });
});
afterAll(() => server.close());

async function burst(host: string, n: number, fe: number) {
  failEvery = fe;
  seen = 0;
  const lines: string[] = [];
  const result = await runBurst(makeConfig(host), { n, out: (l) => lines.push(l) });
  return { result, text: lines.join('\n') };
}

describe('burst mode', () => {
  it('exit 0 at 100% success, one line per request, stats and summary', async () => {
    const { result, text } = await burst(server.url, 20, 0);
    expect(result.exitCode).toBe(0);
    expect(result).toMatchObject({ sent: 20, succeeded: 20, failed: 0, successRate: 1 });
    expect(text.match(/^ {2}User +\d+ {2}OK {4}200 /gm)).toHaveLength(21);
    expect(text).toContain('Pre-flight OK');
    expect(text).toContain('LOAD TEST PASSED');
    expect(result.stats.min).toBeLessThanOrEqual(result.stats.median);
    expect(result.stats.median).toBeLessThanOrEqual(result.stats.p90);
    expect(result.stats.p90).toBeLessThanOrEqual(result.stats.max);
    // stdev is that of the 20 burst durations, bounded by their range
    expect(result.stats.stdev).toBeGreaterThan(0);
    expect(result.stats.stdev).toBeLessThanOrEqual(result.stats.max - result.stats.min);
    expect(result.metrics.aggregated.count).toBe(21);
  });

  it('exit 1 below the bar, failures named', async () => {
    const { result, text } = await burst(server.url, 20, 4);
    expect(result.exitCode).toBe(1);
    expect(result.failed).toBe(5);
    expect(result.failures).toEqual({ 'HTTP 500 server_error': 5 });
    expect(text).toMatch(/FAIL {2}500 .* HTTP 500 server_error/);
    expect(text).toContain('LOAD TEST FAILED');
  });

  it('exit 3 when the pre-flight fails, nothing else sent', async () => {
    const closed = await rawServer((_req, res) => res.writeHead(503).end());
    const { result, text } = await burst(closed.url, 10, 0);
    await closed.close();
    expect(result.exitCode).toBe(3);
    expect(result.sent).toBe(0);
    expect(result.metrics.aggregated.count).toBe(1);
    expect(text).toContain('Pre-flight FAILED: HTTP 503');
  });

  it('parses --min-success as a fraction or a percentage', () => {
    expect(parseMinSuccess('0.9')).toBe(0.9);
    expect(parseMinSuccess('90%')).toBe(0.9);
    expect(parseMinSuccess('95')).toBe(0.95);
    expect(() => parseMinSuccess('abc')).toThrow();
  });
});
