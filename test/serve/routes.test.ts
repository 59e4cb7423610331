/**
 * serve's routes over real HTTP on loopback, runs against the embedded mock (no host anywhere):
 * auth, the reference's shapes, 404/400/405/422, a start failure, and that the token never
 * leaves the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST, FAST_BATCH, startHarness, TOKEN, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const REFERENCE_FIELDS = [
  'duration_seconds',
  'user_count',
  'spawn_rate',
  'requests',
  'failures',
  'avg_response_time_ms',
  'median_response_time_ms',
  'p95_response_time_ms',
  'max_response_time_ms',
  'requests_per_second',
  'failures_per_second',
] as const;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON from the wire
function expectResultShape(result: any, test: string): void {
  for (const f of REFERENCE_FIELDS) expect(typeof result[f], f).toBe('number');
  expect(Array.isArray(result.errors)).toBe(true);
  for (const e of result.errors) expect(Object.keys(e).sort()).toEqual(['error', 'method', 'name', 'occurrences']);
  expect(Object.keys(result.overhead_summary)).toEqual(expect.arrayContaining(['count', 'min_ms', 'max_ms', 'avg_ms', 'median_ms']));
  expect(typeof result.p99_response_time_ms).toBe('number');
  expect(result.test).toBe(test);
  expect(typeof result.thresholds.passed).toBe('boolean');
  expect(result.requests).toBeGreaterThan(0);
  expect(result.failures).toBe(0);
  // counts reconcile: the total is the sum over request names, and the embedded mock saw each one
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect(result.requests).toBe(result.endpoints.reduce((n: number, e: any) => n + e.requests, 0));
  const seen = result.server_stats.requests.byRoute as Record<string, Record<string, number>>;
  const sent = new Map<string, number>();
  for (const e of result.endpoints) {
    const route = String(e.name).replace(/ \[.*\]$/, '');
    sent.set(route, (sent.get(route) ?? 0) + e.requests);
  }
  for (const [route, n] of sent) {
    const total = Object.values(seen[route] ?? {}).reduce((a, v) => a + v, 0);
    expect(total, route).toBe(n);
  }
}

describe('auth', () => {
  it('GET /health needs no token', async () => {
    const r = await h.call('GET', '/health', { token: null });
    expect(r.status).toBe(200);
    expect(r.json.status).toBe('ok');
  });

  it('401 with WWW-Authenticate: Bearer without or with a wrong token, on every other route', async () => {
    for (const [method, path] of [
      ['POST', '/run-load-tests'],
      ['POST', '/run-load-tests/chat'],
      ['POST', '/run-load-tests/chat/light'],
      ['GET', '/runs'],
      ['GET', '/runs/x'],
      ['DELETE', '/runs/x'],
      ['GET', '/metrics'],
      ['GET', '/no-such-route'],
    ] as const) {
      for (const token of [null, 'wrong-token', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
        const r = await h.call(method, path, { token, body: method === 'POST' ? FAST : undefined });
        expect(r.status, `${method} ${path} ${token}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    const basic = await fetch(`${h.url}/runs`, { headers: { authorization: `Basic ${TOKEN}` } });
    expect(basic.status).toBe(401);
  });
});

describe('errors', () => {
  it('404 unknown test, 400 unknown intensity, 404 unknown route / run, 405 wrong method', async () => {
    const unknownTest = await h.call('POST', '/run-load-tests/images', { body: FAST });
    expect(unknownTest.status).toBe(404);
    expect(unknownTest.json.detail).toMatch(/Unknown test 'images'/);
    expect((await h.call('POST', '/run-load-tests/images/light')).status).toBe(404);
    const unknownLevel = await h.call('POST', '/run-load-tests/chat/extreme', { body: FAST });
    expect(unknownLevel.status).toBe(400);
    expect(unknownLevel.json.detail).toMatch(/light, normal, medium, intense/);
    expect((await h.call('GET', '/nope')).status).toBe(404);
    expect((await h.call('GET', '/runs/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await h.call('DELETE', '/runs/nope')).status).toBe(404);
    const wrongMethod = await h.call('GET', '/run-load-tests/chat');
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('422 with FastAPI-style field errors for a bad body', async () => {
    const bad = await h.call('POST', '/run-load-tests/chat', { body: { duration_seconds: 'long', user_count: 0, stream: 'yes', colour: 'red' } });
    expect(bad.status).toBe(422);
    const locs = bad.json.detail.map((d: { loc: string[] }) => d.loc.join('.'));
    expect(locs.sort()).toEqual(['body.colour', 'body.duration_seconds', 'body.stream', 'body.user_count']);
    for (const d of bad.json.detail) {
      expect(typeof d.msg).toBe('string');
      expect(typeof d.type).toBe('string');
    }

    const nested = await h.call('POST', '/run-load-tests', { body: { chat: { user_count: 'many' }, images: {} } });
    expect(nested.status).toBe(422);
    expect(nested.json.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual(['body.images']);
    const nestedField = await h.call('POST', '/run-load-tests', { body: { chat: { user_count: 'many' }, embeddings: { spawn_rate: -1 } } });
    expect(nestedField.json.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual(['body.chat.user_count', 'body.embeddings.spawn_rate']);

    const json = await h.call('POST', '/run-load-tests/chat', { raw: '{"duration_seconds": ' });
    expect(json.status).toBe(422);
    expect(json.json.detail[0].type).toBe('json_invalid');

    const notObject = await h.call('POST', '/run-load-tests/chat', { body: [1, 2] });
    expect(notObject.status).toBe(422);

    // a value the config resolver rejects is reported on the field that set it
    const resolver = await h.call('POST', '/run-load-tests/chat', { body: { ...FAST, host: 'ftp://example.com', verify: 'sometimes' } });
    expect(resolver.status).toBe(422);
    expect(resolver.json.detail[0].loc).toEqual(['body', 'host']);
    const fixed = await h.call('POST', '/run-load-tests/embeddings', { body: { ...FAST, scenario: 'batch' } });
    expect(fixed.status).toBe(422);
    expect(fixed.json.detail[0].msg).toMatch(/fixed by the test name/);
    // nothing ran
    expect((await h.call('GET', '/runs')).json.runs).toEqual([]);
  });

  it('a run that cannot start answers 502 with a clear detail', async () => {
    const r = await h.call('POST', '/run-load-tests/chat', { body: { ...FAST, host: 'http://127.0.0.1:1' } });
    expect(r.status).toBe(502);
    expect(r.json.detail).toMatch(/^chat: .*127\.0\.0\.1:1/);
    expect(r.json.status).toBe('failed');
    expect(r.json.result).toBeNull();
  });
});

describe('success shapes', () => {
  it('POST /run-load-tests/{test} → {test, result}, with TTFT and inter-token latency for streams', async () => {
    const r = await h.call('POST', '/run-load-tests/chat', { body: { ...FAST, stream: true, max_tokens: 8 } });
    expect(r.status).toBe(200);
    expect(r.json.test).toBe('chat');
    expect(r.json.status).toBe('completed');
    expect(typeof r.json.run_id).toBe('string');
    const result = r.json.result;
    expectResultShape(result, 'chat');
    expect(result).toMatchObject({ duration_seconds: 1, user_count: 1, spawn_rate: 1, interrupted: false, embedded_mock: true });
    expect(result.llm.ttft_ms.count).toBeGreaterThan(0);
    expect(result.llm.inter_token_latency_ms.count).toBeGreaterThan(0);
    expect(result.batch).toBeNull();
    expect(result.endpoints.map((e: { name: string }) => e.name)).toContainEqual(expect.stringMatching(/^POST \/v1\/chat\/completions \[chat/));
  });

  it('POST /run-load-tests/{test}/{intensity} → {test, intensity_level, configuration, result}; the body overrides the level', async () => {
    const r = await h.call('POST', '/run-load-tests/embeddings/light', { body: { ...FAST, spawn_rate: 10 } });
    expect(r.status).toBe(200);
    expect(r.json.test).toBe('embeddings');
    expect(r.json.intensity_level).toBe('light');
    expect(r.json.configuration).toMatchObject({ duration_seconds: 1, user_count: 10, spawn_rate: 10, host: null, host_source: 'embedded' });
    expectResultShape(r.json.result, 'embeddings');
    expect(r.json.result.user_count).toBe(10);
  });

  it('POST /run-load-tests runs the tests in the body one after another → {results}', async () => {
    const body = { responses: FAST, chat: FAST, batch: FAST_BATCH, embeddings: { ...FAST, embedding_inputs: 2 } };
    const r = await h.call('POST', '/run-load-tests', { body });
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.results)).toEqual(['chat', 'responses', 'embeddings', 'batch']);
    for (const [name, result] of Object.entries(r.json.results)) expectResultShape(result, name);
    const batch = r.json.results.batch.batch;
    expect(batch.workflows_completed).toBeGreaterThan(0);
    expect(batch.lines_succeeded).toBeGreaterThan(0);
    expect(batch.turnaround_ms.count).toBeGreaterThan(0);
    // one after another: each test started after the previous one ended
    const order = ['chat', 'responses', 'embeddings', 'batch'].map((t) => r.json.results[t]);
    for (let i = 1; i < order.length; i++) expect(Date.parse(order[i].started_at)).toBeGreaterThanOrEqual(Date.parse(order[i - 1].ended_at));
  });
});

describe('secrets', () => {
  it('never echoes the token, even when a caller sends it in a body', async () => {
    const r = await h.call('POST', '/run-load-tests/chat', { body: { ...FAST, host: TOKEN } });
    expect(r.status).toBe(422);
    expect(r.text).toContain('***');
    const logs = h.logs.join('\n');
    expect(logs).toMatch(/POST \/run-load-tests\/chat 200/);
    expect(logs).not.toContain(TOKEN);
    for (const body of h.bodies) expect(body).not.toContain(TOKEN);
  });
});
