/**
 * The default latency threshold against the mock: a stream is judged by its time to first
 * token (a real LLM stream of a few hundred tokens takes seconds whole), a non-streamed request
 * by its whole duration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadRunConfig } from '../../src/config/load.js';
import type { RawRunOptions } from '../../src/options/run-options.js';
import { parseThresholdList, requestKinds } from '../../src/config/thresholds.js';
import { runLoadTest } from '../../src/engine/runner.js';
import { startMockServer, type MockServer } from '../../src/mock/index.js';

let mock: MockServer | undefined;
afterEach(async () => {
  await mock?.close();
  mock = undefined;
});

/** TTFT 20 ms, then 30 ms per token: 40 tokens take about 1.2 s whole. */
async function run(raw: RawRunOptions) {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', latency: { ttftMs: 20, perTokenMs: 30, jitterMs: 0 } });
  const config = await loadRunConfig({ host: mock.url, scenario: 'chat', maxTokens: 40, users: 2, spawnRate: 2, runTime: '1500ms', waitMin: 0, waitMax: 0, ...raw });
  const kinds = requestKinds(config.scenarios, config.payload.streamRatio);
  const thresholds = parseThresholdList(['http_req_duration: p(95)<=1000'], true, 1000, 0.01, false, kinds);
  return runLoadTest({ ...config, thresholds });
}

const verdicts = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(r.thresholds.map((t) => [t.source, t.passed]));

describe('default latency threshold', () => {
  it('a streamed run whose streams take over 1 s whole but start within ms passes the defaults', async () => {
    const r = await run({ stream: true });
    expect(r.metrics.trends.e2e!.p50).toBeGreaterThan(1000);
    expect(r.metrics.trends.ttft!.p95).toBeLessThan(500);
    expect(verdicts(r)).toEqual({ 'ttft: p(95)<=1000': true, 'errors: rate<=0.01': true, 'http_req_duration: p(95)<=1000': false, 'scenario_errors: count==0': true });
  });

  it('a run with slow non-streamed responses fails the defaults', async () => {
    const r = await run({});
    expect(r.metrics.trends.ttft).toBeUndefined();
    expect(verdicts(r)).toMatchObject({ 'http_req_duration: p(95)<=1000': false, 'errors: rate<=0.01': true });
    expect(r.thresholds.map((t) => t.metric)).not.toContain('ttft');
    expect(r.exitCode).toBe(1);
  });

  it('a mixed run: slow non-streamed responses fail http_req_duration_nonstream, fast first tokens pass ttft', async () => {
    const r = await run({ streamRatio: 0.5, seed: 7, users: 6, spawnRate: 6 });
    expect(Object.keys(r.metrics.requests)).toEqual(expect.arrayContaining(['POST /v1/chat/completions [chat]', 'POST /v1/chat/completions [chat stream]']));
    expect(verdicts(r)).toMatchObject({ 'http_req_duration_nonstream: p(95)<=1000': false, 'ttft: p(95)<=1000': true });
  });
});
