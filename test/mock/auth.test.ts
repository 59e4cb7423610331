import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/index.js';
import { basic, jsonOf, postJson, rawRequest, startTestServer } from './support.js';
import { AuthGate } from '../../src/mock/auth/auth.js';
import { HttpError } from '../../src/mock/http/errors.js';

describe('auth', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startTestServer({ auth: { adminUser: 'root', adminPassword: 's3cret-pw' } });
  });
  afterAll(() => server.close());

  it('creates API keys with Basic auth on both admin paths, and accepts them as Bearer', async () => {
    for (const path of ['/admin/api/v1/users/current/api-keys', '/ai/admin/api-keys']) {
      const res = await postJson(
        server,
        path,
        { name: 'load-test', description: 'load test', purpose: 'platform', requests_per_second: 0, burst_size: 0 },
        { authorization: basic('root', 's3cret-pw') },
      );
      expect(res.status).toBe(201);
      const key = jsonOf<Record<string, unknown>>(res);
      expect(key).toMatchObject({ name: 'load-test', purpose: 'platform' });
      expect(typeof key.id).toBe('string');
      const models = await rawRequest(server.url, { path: '/ai/v1/models', headers: { authorization: `Bearer ${key.key as string}` } });
      expect(models.status).toBe(200);
    }
    expect(server.stats().apiKeys.created).toBe(2);
  });

  it('answers 401 with WWW-Authenticate for a missing or wrong Basic auth, without echoing secrets', async () => {
    for (const authorization of [undefined, basic('root', 'wrong'), 'Bearer sk-test-static']) {
      const res = await postJson(server, '/admin/api/v1/users/current/api-keys', {}, authorization ? { authorization } : {});
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
      expect(res.body).not.toContain('s3cret-pw');
      expect(jsonOf<{ error: { type: string } }>(res).error.type).toBe('invalid_request_error');
    }
  });

  it('answers 401 OpenAI errors for a missing or unknown Bearer key, on every API route', async () => {
    const paths = ['/v1/files', '/v1/batches', '/v1/models', '/v1/files/file-x', '/ai/v1/batches/batch_x'];
    for (const path of paths) {
      const missing = await rawRequest(server.url, { path, headers: { authorization: '' } });
      expect(missing.status).toBe(401);
      const unknown = await rawRequest(server.url, { path, headers: { authorization: 'Bearer sk-unknown-key' } });
      expect(unknown.status).toBe(401);
      expect(jsonOf(unknown)).toEqual({
        error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
      expect(unknown.body).not.toContain('sk-unknown-key');
    }
    expect((await rawRequest(server.url, { path: '/health', headers: { authorization: '' } })).status).toBe(200);
  });

  it('accepts any caller with noAuth', async () => {
    const open = await startTestServer({ auth: { noAuth: true } });
    try {
      expect((await rawRequest(open.url, { path: '/v1/models', headers: { authorization: '' } })).status).toBe(200);
      expect((await postJson(open, '/ai/admin/api-keys', {}, { authorization: '' })).status).toBe(201);
    } finally {
      await open.close();
    }
  });
});

describe('issued keys', () => {
  it('refuses keys past the bound with a 429 that carries retry-after and retry-after-ms, like every 429', () => {
    const gate = new AuthGate(false, 'admin', 'pw', [], 3);
    for (let i = 0; i < 100_000; i++) gate.addKey(`k${i}`);
    let error: HttpError | undefined;
    try {
      gate.addKey('one-more');
    } catch (err) {
      error = err as HttpError;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect(error!.status).toBe(429);
    expect(error!.code).toBe('rate_limit_exceeded');
    expect(error!.headers).toEqual(['retry-after', '3', 'retry-after-ms', '3000']);
  });
});
