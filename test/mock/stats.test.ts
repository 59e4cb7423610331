import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/index.js';
import { basic, chatJsonl, createBatch, jsonOf, postJson, rawRequest, startTestServer, waitForBatch } from './support.js';

describe('request stats', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('counts every request once by route key and status, except /__stats itself', async () => {
    const chat = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    for (let i = 0; i < 3; i++) expect((await postJson(server, '/v1/chat/completions', chat)).status).toBe(200);
    expect((await postJson(server, '/ai/v1/chat/completions', chat)).status).toBe(200);
    expect((await postJson(server, '/v1/chat/completions', { model: 'm' })).status).toBe(400);
    expect((await postJson(server, '/v1/chat/completions', chat, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await rawRequest(server.url, { path: '/v1/nothing-here' })).status).toBe(404);
    expect((await rawRequest(server.url, { method: 'PUT', path: '/v1/files' })).status).toBe(404);
    expect((await rawRequest(server.url, { path: '/v1/files/file-none' })).status).toBe(404);
    expect((await rawRequest(server.url, { path: '/health' })).status).toBe(200);
    const batch = await createBatch(server, chatJsonl(3));
    await waitForBatch(server, batch.id);

    const viaHttp = await rawRequest(server.url, { path: '/__stats', headers: { authorization: basic('admin', 'password') } });
    expect(viaHttp.status).toBe(200);
    const stats = jsonOf<Record<string, any>>(viaHttp);
    expect((await rawRequest(server.url, { path: '/__stats' })).status).toBe(401);

    const byRoute = stats.requests.byRoute;
    expect(byRoute['POST /v1/chat/completions']).toEqual({ '200': 3, '400': 1, '401': 1 });
    expect(byRoute['POST /ai/v1/chat/completions']).toEqual({ '200': 1 });
    expect(byRoute['unknown']).toEqual({ '404': 2 });
    expect(byRoute['GET /v1/files/{file_id}']).toEqual({ '404': 1 });
    expect(byRoute['GET /health']).toEqual({ '200': 1 });
    expect(byRoute['POST /v1/files']).toEqual({ '200': 1 });
    expect(byRoute['POST /v1/batches']).toEqual({ '200': 1 });
    const polls = byRoute['GET /v1/batches/{batch_id}']['200'] as number;
    expect(polls).toBeGreaterThan(0);
    expect(byRoute['__stats']).toBeUndefined();
    expect(Object.keys(byRoute).some((k) => k.includes('__stats'))).toBe(false);
    let sum = 0;
    for (const outcomes of Object.values(byRoute) as Array<Record<string, number>>) for (const n of Object.values(outcomes)) sum += n;
    expect(stats.requests.total).toBe(sum);
    expect(stats.batches).toEqual({ created: 1, byStatus: { validating: 0, in_progress: 0, finalizing: 0, completed: 1 }, stored: 1, evicted: 0, enqueuedTokens: 0 });
    expect(stats.batchLines).toEqual({ total: 3, byStatus: { '200': 3 } });
    expect(stats.files).toMatchObject({ created: 2, stored: 2, evicted: 0 });
    // The in-process snapshot equals the HTTP one (no requests since).
    expect(server.stats()).toEqual(stats);
  });
});
