/**
 * Host precedence per test, checked by which mock got the traffic:
 * body `host` > LOCUST_HOST > LOCUST_<TEST>_HOST > the embedded mock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { FAST, startHarness, TOKEN, type Harness } from './helpers.js';

let globalMock: MockServer;
let chatMock: MockServer;
let bodyMock: MockServer;
const harnesses: Harness[] = [];

beforeAll(async () => {
  [globalMock, chatMock, bodyMock] = await Promise.all([startMockServer(), startMockServer(), startMockServer()]);
});
afterAll(async () => {
  await Promise.all(harnesses.map((h) => h.close()));
  await Promise.all([globalMock, chatMock, bodyMock].map((m) => m.close()));
});

async function harness(env: Record<string, string>): Promise<Harness> {
  const h = await startHarness({ env });
  harnesses.push(h);
  return h;
}

/** Requests each mock saw on one route since `before`. */
function onRoute(route: string, mocks: MockServer[], before: number[]): number[] {
  return mocks.map((m, i) => Object.values(m.stats().requests.byRoute[route] ?? {}).reduce((a, b) => a + b, 0) - before[i]!);
}
const CHAT = 'POST /v1/chat/completions';
const requestsOn = (result: { endpoints: Array<{ name: string; requests: number }> }, route: string) =>
  result.endpoints.filter((e) => e.name.startsWith(`${route} [`)).reduce((n, e) => n + e.requests, 0);
const EMBEDDINGS = 'POST /v1/embeddings';

describe('host precedence', () => {
  it('body host wins over LOCUST_HOST and LOCUST_CHAT_HOST', async () => {
    const h = await harness({ LOCUST_HOST: globalMock.url, LOCUST_CHAT_HOST: chatMock.url });
    const mocks = [globalMock, chatMock, bodyMock];
    const before = onRoute(CHAT, mocks, [0, 0, 0]);
    const r = await h.call('POST', '/run-load-tests/chat', { body: { ...FAST, host: bodyMock.url } });
    expect(r.status).toBe(200);
    const seen = onRoute(CHAT, mocks, before);
    expect(seen[0]).toBe(0);
    expect(seen[1]).toBe(0);
    expect(seen[2]).toBe(requestsOn(r.json.result, CHAT));
    expect(r.json.result).toMatchObject({ host: bodyMock.url, embedded_mock: false });
  });

  it('LOCUST_HOST wins over LOCUST_CHAT_HOST', async () => {
    const h = await harness({ LOCUST_HOST: globalMock.url, LOCUST_CHAT_HOST: chatMock.url });
    const mocks = [globalMock, chatMock];
    const before = onRoute(CHAT, mocks, [0, 0]);
    const r = await h.call('POST', '/run-load-tests/chat/light', { body: { ...FAST, user_count: 1 } });
    expect(r.status).toBe(200);
    expect(r.json.configuration).toMatchObject({ host: globalMock.url, host_source: 'LOCUST_HOST' });
    const seen = onRoute(CHAT, mocks, before);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBe(0);
  });

  it('LOCUST_<TEST>_HOST applies to its own test only; without any host the embedded mock serves', async () => {
    const h = await harness({ LOCUST_CHAT_HOST: chatMock.url });
    const mocks = [globalMock, chatMock];
    const beforeChat = onRoute(CHAT, mocks, [0, 0]);
    const beforeEmb = onRoute(EMBEDDINGS, mocks, [0, 0]);
    const r = await h.call('POST', '/run-load-tests', { body: { chat: FAST, responses: FAST, embeddings: FAST, batch: FAST } });
    expect(r.status).toBe(200);
    expect(onRoute(CHAT, mocks, beforeChat)).toEqual([0, requestsOn(r.json.results.chat, CHAT)]);
    expect(r.json.results.chat).toMatchObject({ host: chatMock.url, embedded_mock: false });
    expect(onRoute(EMBEDDINGS, mocks, beforeEmb)).toEqual([0, 0]);
    expect(r.json.results.embeddings.embedded_mock).toBe(true);
    expect(r.json.results.embeddings.server_stats.requests.byRoute[EMBEDDINGS]).toBeDefined();
    for (const text of [...h.bodies, ...h.logs]) expect(text).not.toContain(TOKEN);
  });
});
