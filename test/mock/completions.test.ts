import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/index.js';
import { approxTokens } from '../../src/util/tokens.js';
import { jsonOf, postJson, startTestServer } from './support.js';

describe('legacy completions and the prompt-token rule', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startTestServer({ latency: { defaultMaxTokens: 5 } });
  });
  afterAll(() => server.close());

  it('answers POST /v1/completions: choices[].text, usage, default length, one choice per prompt', async () => {
    const res = jsonOf<Record<string, any>>(await postJson(server, '/v1/completions', { model: 'instruct', prompt: 'Write a line' }));
    expect(res).toMatchObject({ object: 'text_completion', model: 'instruct', usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } });
    expect(res.id).toMatch(/^cmpl-/);
    expect(res.choices).toEqual([{ text: expect.any(String), index: 0, logprobs: null, finish_reason: 'stop' }]);
    const tokens = jsonOf<Record<string, any>>(await postJson(server, '/v1/completions', { model: 'm', prompt: [[1, 2, 3], [4]], max_tokens: 2 }));
    expect(tokens.choices).toHaveLength(2);
    expect(tokens.usage).toEqual({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
  });

  it('streams completions as SSE chunks ending with data: [DONE]', async () => {
    const res = await postJson(server, '/v1/completions', { model: 'm', prompt: 'x', max_tokens: 3, stream: true });
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const events = res.body.split('\n\n').filter(Boolean);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    expect(chunks).toHaveLength(4);
    expect(chunks.every((c) => c.object === 'text_completion' && c.id === chunks[0].id)).toBe(true);
    expect(chunks.slice(0, 3).map((c) => c.choices[0].finish_reason)).toEqual([null, null, null]);
    expect(chunks[3].choices[0]).toMatchObject({ text: '', finish_reason: 'stop' });
  });

  it('answers bad completions bodies with 400', async () => {
    for (const body of [{ prompt: 'x' }, { model: 'm' }, { model: 'm', prompt: [] }, { model: 'm', prompt: [{}] }, { model: 'm', prompt: 'x', max_tokens: 0 }]) {
      const res = await postJson(server, '/v1/completions', body);
      expect(res.status).toBe(400);
    }
  });

  it('counts prompt tokens as ceil(characters / 4) of the prompt text, on every endpoint', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.'; // 44 characters = 11 tokens
    expect(approxTokens(text)).toBe(11);
    const chat = jsonOf<Record<string, any>>(
      await postJson(server, '/v1/chat/completions', {
        model: 'm',
        messages: [
          { role: 'system', content: 'abc' },
          { role: 'user', content: [{ type: 'text', text }] },
        ],
      }),
    );
    expect(chat.usage.prompt_tokens).toBe(approxTokens(`abc${text}`));
    const responses = jsonOf<Record<string, any>>(await postJson(server, '/v1/responses', { model: 'm', instructions: 'Be brief.', input: text }));
    expect(responses.usage.input_tokens).toBe(approxTokens(`Be brief.${text}`));
    const completions = jsonOf<Record<string, any>>(await postJson(server, '/v1/completions', { model: 'm', prompt: [text, 'a'] }));
    expect(completions.usage.prompt_tokens).toBe(11 + 1);
    const embeddings = jsonOf<Record<string, any>>(await postJson(server, '/v1/embeddings', { model: 'e', input: [text, 'abcde'], dimensions: 2 }));
    expect(embeddings.usage.prompt_tokens).toBe(11 + 2);
  });
});
