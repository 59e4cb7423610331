import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/index.js';
import { jsonOf, postJson, rawRequest, startTestServer } from './support.js';

describe('inference routes', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startTestServer({ latency: { defaultMaxTokens: 7, maxTokensCap: 50 } });
  });
  afterAll(() => server.close());

  it('answers chat completions with the default or requested (capped) length', async () => {
    const base = { model: 'gpt-x', messages: [{ role: 'user', content: 'hello there' }] };
    const byDefault = jsonOf<Record<string, any>>(await postJson(server, '/v1/chat/completions', base));
    expect(byDefault).toMatchObject({ object: 'chat.completion', model: 'gpt-x' });
    expect(byDefault.id).toMatch(/^chatcmpl-/);
    expect(byDefault.choices[0].message.role).toBe('assistant');
    expect(byDefault.choices[0].finish_reason).toBe('stop');
    expect(byDefault.usage.completion_tokens).toBe(7);
    expect(byDefault.choices[0].message.content.split(' ')).toHaveLength(7);
    const capped = jsonOf<Record<string, any>>(await postJson(server, '/v1/chat/completions', { ...base, max_completion_tokens: 500 }));
    expect(capped.usage.completion_tokens).toBe(50);
    expect(capped.usage.total_tokens).toBe(capped.usage.prompt_tokens + 50);
  });

  it('streams chat as SSE: role, content deltas, finish, usage chunk, [DONE]', async () => {
    const res = await postJson(server, '/v1/chat/completions', {
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = res.body.split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    expect(chunks).toHaveLength(1 + 3 + 1 + 1);
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.slice(1, 4).every((c) => typeof c.choices[0].delta.content === 'string')).toBe(true);
    expect(chunks[4].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.slice(0, 5).every((c) => c.usage === null)).toBe(true);
    expect(chunks[5]).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
  });

  it('answers responses, non-streaming', async () => {
    const res = jsonOf<Record<string, any>>(await postJson(server, '/v1/responses', { model: 'm', input: [{ role: 'user', content: 'hi' }], max_output_tokens: 2 }));
    expect(res).toMatchObject({ object: 'response', status: 'completed', usage: { output_tokens: 2 } });
    expect(res.output[0].content[0].type).toBe('output_text');
  });

  it('computes deterministic embeddings, float and base64, with dimensions', async () => {
    const float = jsonOf<Record<string, any>>(await postJson(server, '/v1/embeddings', { model: 'e', input: ['a', 'b'], encoding_format: 'float', dimensions: 16 }));
    const again = jsonOf<Record<string, any>>(await postJson(server, '/v1/embeddings', { model: 'e', input: 'a', encoding_format: 'float', dimensions: 16 }));
    expect(float.data).toHaveLength(2);
    expect(again.data[0].embedding).toEqual(float.data[0].embedding);
    expect(float.data[1].embedding).not.toEqual(float.data[0].embedding);
    const b64 = jsonOf<Record<string, any>>(await postJson(server, '/v1/embeddings', { model: 'e', input: 'a', encoding_format: 'base64', dimensions: 16 }));
    const bytes = Buffer.from(b64.data[0].embedding as string, 'base64');
    const decoded = Array.from({ length: 16 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(float.data[0].embedding);
    const tokens = await postJson(server, '/v1/embeddings', { model: 'e', input: [[1, 2, 3], [4, 5]] });
    expect(jsonOf<Record<string, any>>(tokens).data[0].embedding).toHaveLength(1536);
  });

  it('answers bad inference bodies with 400 and keeps serving', async () => {
    const bad: Array<[string, unknown]> = [
      ['/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }] }],
      ['/v1/chat/completions', { model: 'm', messages: [] }],
      ['/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }],
      ['/v1/chat/completions', '[1,2]'],
      ['/v1/chat/completions', 'not json'],
      ['/v1/responses', { model: 'm' }],
      ['/v1/embeddings', { model: 'e', input: '' }],
      ['/v1/embeddings', { model: 'e', input: 'x', dimensions: 99999 }],
      ['/v1/embeddings', { model: 'e', input: 'x', encoding_format: 'hex' }],
    ];
    for (const [path, body] of bad) {
      const res = await postJson(server, path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(Object.keys(jsonOf<{ error: object }>(res).error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(res.headers['x-request-id']).toBeTruthy();
    }
    expect((await rawRequest(server.url, { path: '/health' })).status).toBe(200);
  });

  it('rejects a JSON body over the limit with 413', async () => {
    const small = await startTestServer({ files: { maxJsonBodyBytes: 1000 } });
    try {
      const res = await postJson(small, '/v1/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'x'.repeat(2000) }] });
      expect(res.status).toBe(413);
      expect((await rawRequest(small.url, { path: '/health' })).status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('serves /health, /v1/models and a JSON 404 for unknown routes', async () => {
    expect(jsonOf(await rawRequest(server.url, { path: '/health', headers: { authorization: '' } }))).toEqual({ status: 'ok' });
    const models = jsonOf<Record<string, any>>(await rawRequest(server.url, { path: '/v1/models' }));
    expect(models.object).toBe('list');
    expect(models.data[0]).toMatchObject({ object: 'model' });
    const unknown = await rawRequest(server.url, { path: '/v2/whatever?x=1' });
    expect(unknown.status).toBe(404);
    expect(jsonOf(unknown)).toEqual({ error: { message: 'Invalid URL (GET /v2/whatever)', type: 'invalid_request_error', param: null, code: null } });
    expect(unknown.headers['x-request-id']).toBeTruthy();
  });
});
