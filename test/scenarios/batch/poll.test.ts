import { getEventListeners } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, readJson } from '../../../src/http/client.js';
import { MetricsRecorder } from '../../../src/metrics/recorder.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { pollUntilTerminal } from '../../../src/scenarios/batch/poll.js';
import type { ScenarioContext } from '../../../src/scenarios/types.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { noAuth: true }, batch: { validatingMs: 20, finalizingMs: 20 } });
});
afterAll(() => mock.close());

const poll = { initialMs: 10, factor: 1.5, maxIntervalMs: 20, maxPolls: 50, maxWaitMs: 10_000, jitter: false };

async function createBatch(http: HttpClient): Promise<string> {
  const line = JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
  const form = new FormData();
  form.append('purpose', 'batch');
  form.append('file', new Blob([`${line}\n`]), 'in.jsonl');
  const file = (await (await fetch(`${mock.url}/v1/files`, { method: 'POST', body: form })).json()) as { id: string };
  const res = await http.call(
    { name: 'create', method: 'POST', url: `${mock.url}/v1/batches`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' }) },
    (r) => readJson<{ id: string }>(r.body),
  );
  if (!res.ok) throw new Error(res.error);
  return res.value.id;
}

describe('pollUntilTerminal', () => {
  it('follows a batch to completed, observing the time in each status, and leaves no listener on the run signal', async () => {
    const run = new AbortController();
    const recorder = new MetricsRecorder();
    const http = new HttpClient({ recorder, requestTimeoutMs: 5000, connections: 4, signal: run.signal });
    const ctx = { recorder, http, authHeaders: {}, signal: run.signal } as unknown as ScenarioContext;
    let afterFirst = 0;
    for (let i = 0; i < 20; i++) {
      const id = await createBatch(http);
      const out = await pollUntilTerminal(ctx, `${mock.url}/v1/batches/${id}`, 'poll', poll, { createdAtMs: performance.now(), initialStatus: 'validating' });
      expect(out).toMatchObject({ ok: true, batch: { status: 'completed' } });
      if (out.ok) expect(out.observed.statuses[0]).toMatchObject({ status: 'validating' });
      if (i === 0) afterFirst = getEventListeners(run.signal, 'abort').length;
    }
    // the client's own and the abort hub's one listener: nothing per workflow
    expect(afterFirst).toBeLessThanOrEqual(2);
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(afterFirst);
    await http.close();
  });

  it('stops at once when the run is aborted mid-backoff', async () => {
    const run = new AbortController();
    const recorder = new MetricsRecorder();
    const http = new HttpClient({ recorder, requestTimeoutMs: 5000, connections: 4, signal: run.signal });
    const ctx = { recorder, http, authHeaders: {}, signal: run.signal } as unknown as ScenarioContext;
    const id = await createBatch(http);
    const slow = { ...poll, initialMs: 60_000, maxIntervalMs: 60_000 };
    const started = performance.now();
    const pending = pollUntilTerminal(ctx, `${mock.url}/v1/batches/${id}`, 'poll', slow, { createdAtMs: performance.now(), initialStatus: 'validating' });
    setTimeout(() => run.abort(), 50);
    const out = await pending;
    expect(out).toMatchObject({ ok: false, reason: 'aborted (run stopped)', polls: 0 });
    expect(performance.now() - started).toBeLessThan(30_000);
    await http.close(true);
  });
});
