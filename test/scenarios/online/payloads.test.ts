import { describe, expect, it } from 'vitest';
import {
  BodyTemplate,
  chatBody,
  defaultPayload,
  embeddingsBody,
  modelFor,
  repeatedPrompt,
  responsesBody,
} from '../../../src/scenarios/online/payloads.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} /;

describe('payloads', () => {
  it('chat body: fresh UUID first, prompt × repeat, user, max_tokens, model override', () => {
    const p = defaultPayload({ prompt: 'Hello there.', promptRepeat: 150, user: 'u1', maxTokens: 64, models: { chat: 'm-chat' } });
    const t = chatBody(p, false);
    const a = JSON.parse(t.render()) as { model: string; messages: { content: string }[]; user: string; max_tokens: number; stream?: boolean };
    const b = JSON.parse(t.render()) as typeof a;
    expect(a.model).toBe('m-chat');
    expect(a.user).toBe('u1');
    expect(a.max_tokens).toBe(64);
    expect(a.stream).toBeUndefined();
    expect(a.messages[0]!.content).toMatch(UUID);
    expect(a.messages[0]!.content.split('Hello there.').length - 1).toBe(150);
    expect(a.messages[0]!.content.slice(0, 36)).not.toBe(b.messages[0]!.content.slice(0, 36));
  });

  it('chat stream asks for usage; responses uses max_output_tokens', () => {
    const p = defaultPayload({ maxTokens: 10 });
    expect(JSON.parse(chatBody(p, true).render())).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    const r = JSON.parse(responsesBody(p, true).render()) as Record<string, unknown>;
    expect(r).toMatchObject({ stream: true, max_output_tokens: 10, model: 'gpt-4o-mini' });
    expect(r.input).toMatch(UUID);
  });

  it('embeddings: one string, or a list each with its own UUID; encoding format and dimensions', () => {
    const one = JSON.parse(embeddingsBody(defaultPayload()).render()) as { input: unknown };
    expect(typeof one.input).toBe('string');
    const p = defaultPayload({ embeddingInputs: 3, encodingFormat: 'base64', dimensions: 256, models: { embeddings: 'emb' } });
    const many = JSON.parse(embeddingsBody(p).render()) as { input: string[]; encoding_format: string; dimensions: number; model: string };
    expect(many.input).toHaveLength(3);
    expect(new Set(many.input.map((s) => s.slice(0, 36))).size).toBe(3);
    expect(many).toMatchObject({ encoding_format: 'base64', dimensions: 256, model: 'emb' });
  });

  it('user text with quotes and control characters survives the template', () => {
    const prompt = 'say "hi"\n\t\\ done \u0001';
    const body = JSON.parse(chatBody(defaultPayload({ prompt }), false).render()) as { messages: { content: string }[] };
    expect(body.messages[0]!.content.slice(37)).toBe(prompt);
    expect(new BodyTemplate({ a: 'x' }).slots).toBe(0);
  });

  it('model fallback and repeat floor', () => {
    expect(modelFor(defaultPayload({ model: 'm' }), 'responses')).toBe('m');
    expect(repeatedPrompt(defaultPayload({ prompt: 'x', promptRepeat: 0 }))).toBe('x');
  });
});

describe('hosts', async () => {
  const { apiEndpoint, healthEndpoint, baselineShare } = await import('../../../src/scenarios/online/hosts.js');
  const { makeConfig } = await import('./fixtures.js');
  it('names carry the full API path, whether it comes from the base path or the host', () => {
    expect(apiEndpoint(makeConfig('http://h:1', (c) => (c.target.basePath = '/ai/v1')), 'http://h:1', '/embeddings')).toEqual({
      url: 'http://h:1/ai/v1/embeddings',
      path: '/ai/v1/embeddings',
    });
    expect(apiEndpoint(makeConfig('http://h:1/ai/v1', (c) => (c.target.basePath = '')), 'http://h:1/ai/v1/', '/responses').path).toBe(
      '/ai/v1/responses',
    );
    expect(healthEndpoint('http://h:1/ai/v1')).toEqual({ url: 'http://h:1/health', path: '/health' });
  });

  it('baseline share is 0 without a baseline host', () => {
    expect(baselineShare(makeConfig('http://h:1'))).toBe(0);
    expect(baselineShare(makeConfig('http://h:1', (c) => (c.target.baselineHost = 'http://b:2')))).toBe(0.25);
  });
});
