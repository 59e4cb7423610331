import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/index.js';
import { TEST_KEY, chatJsonl, startTestServer } from './support.js';

const TERMINAL = ['completed', 'failed', 'expired', 'cancelled'];

describe('the official openai SDK against the mock', () => {
  let server: MockServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startTestServer({ latency: { ttftMs: 2, perTokenMs: 1 } });
    client = new OpenAI({ apiKey: TEST_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('runs a batch: files.create → batches.create → retrieve until completed → files.content', async () => {
    const n = 25;
    const file = await client.files.create({ file: await toFile(Buffer.from(chatJsonl(n)), 'input.jsonl'), purpose: 'batch' });
    expect(file).toMatchObject({ object: 'file', purpose: 'batch', status: 'processed', filename: 'input.jsonl' });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect(batch.status).toBe('validating');
    expect(batch.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
    const seen = new Set<string>([batch.status]);
    for (let i = 0; i < 500 && !TERMINAL.includes(batch.status); i++) {
      await new Promise((r) => setTimeout(r, 10));
      batch = await client.batches.retrieve(batch.id);
      seen.add(batch.status);
    }
    expect(batch.status).toBe('completed');
    expect(seen.has('in_progress') || seen.has('finalizing')).toBe(true);
    expect(batch.request_counts).toEqual({ total: n, completed: n, failed: 0 });
    expect(batch.error_file_id).toBeNull();
    expect(batch.completed_at).toBeGreaterThanOrEqual(batch.created_at);
    const outputMeta = await client.files.retrieve(batch.output_file_id!);
    expect(outputMeta.purpose).toBe('batch_output');
    const text = await (await client.files.content(batch.output_file_id!)).text();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    const ids = lines.map((l) => l.custom_id as string).sort();
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => `request-${i + 1}`).sort());
    expect(new Set(ids).size).toBe(n);
    for (const line of lines) {
      expect(line.response.status_code).toBe(200);
      expect(line.response.body.object).toBe('chat.completion');
      expect(line.error).toBeNull();
    }
  });

  it('cancels a batch', async () => {
    const slow = await startTestServer({ latency: { ttftMs: 50 }, batch: { lineConcurrency: 1, validatingMs: 10 } });
    try {
      const sdk = new OpenAI({ apiKey: TEST_KEY, baseURL: `${slow.url}/v1`, maxRetries: 0 });
      const file = await sdk.files.create({ file: await toFile(Buffer.from(chatJsonl(40)), 'in.jsonl'), purpose: 'batch' });
      let batch = await sdk.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      for (let i = 0; i < 200 && batch.request_counts?.completed === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
        batch = await sdk.batches.retrieve(batch.id);
      }
      const cancelling = await sdk.batches.cancel(batch.id);
      expect(cancelling.status).toBe('cancelling');
      expect(cancelling.cancelling_at).not.toBeNull();
      for (let i = 0; i < 300 && !TERMINAL.includes(batch.status); i++) {
        await new Promise((r) => setTimeout(r, 20));
        batch = await sdk.batches.retrieve(batch.id);
      }
      expect(batch.status).toBe('cancelled');
      const counts = batch.request_counts!;
      expect(counts.completed).toBeGreaterThan(0);
      expect(counts.completed).toBeLessThan(40);
      expect(counts.completed + counts.failed).toBe(40);
      const output = (await (await sdk.files.content(batch.output_file_id!)).text()).trim().split('\n');
      expect(output).toHaveLength(counts.completed);
      const errors = (await (await sdk.files.content(batch.error_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l));
      expect(errors.every((e) => e.response === null && e.error.code === 'batch_cancelled')).toBe(true);
    } finally {
      await slow.close();
    }
  });

  it('paginates files.list and batches.list with a small limit', async () => {
    const fresh = await startTestServer();
    try {
      const sdk = new OpenAI({ apiKey: TEST_KEY, baseURL: `${fresh.url}/v1`, maxRetries: 0 });
      const created: string[] = [];
      for (let i = 0; i < 5; i++) {
        const f = await sdk.files.create({ file: await toFile(Buffer.from(chatJsonl(1)), `f${i}.jsonl`), purpose: 'batch' });
        created.push(f.id);
      }
      const listed: string[] = [];
      for await (const f of sdk.files.list({ limit: 2 })) listed.push(f.id);
      expect(listed).toEqual([...created].reverse());

      const batches: string[] = [];
      for (const id of created.slice(0, 3)) {
        batches.push((await sdk.batches.create({ input_file_id: id, endpoint: '/v1/chat/completions', completion_window: '24h' })).id);
      }
      const listedBatches: string[] = [];
      for await (const b of sdk.batches.list({ limit: 2 })) listedBatches.push(b.id);
      expect(listedBatches).toEqual([...batches].reverse());
    } finally {
      await fresh.close();
    }
  });

  it('streams chat with include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant');
    const content = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(content.split(' ')).toHaveLength(5);
    const finish = chunks.find((c) => c.choices[0]?.finish_reason === 'stop');
    expect(finish).toBeDefined();
    const last = chunks[chunks.length - 1]!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ completion_tokens: 5 });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('streams a response with rising sequence numbers', async () => {
    const stream = client.responses.stream({ model: 'mock-gpt-4o-mini', input: 'hello', max_output_tokens: 4 });
    const events = [];
    for await (const event of stream) events.push(event);
    const numbers = events.map((e) => e.sequence_number);
    expect(numbers).toEqual(numbers.map((_, i) => i));
    expect(events[0]!.type).toBe('response.created');
    expect(events.filter((e) => e.type === 'response.output_text.delta')).toHaveLength(4);
    expect(events[events.length - 1]!.type).toBe('response.completed');
    const final = await stream.finalResponse();
    expect(final.status).toBe('completed');
    expect(final.usage?.output_tokens).toBe(4);
  });

  it('creates embeddings with the SDK default (base64) encoding', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 64 });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]!.embedding).toHaveLength(64);
    const norm = Math.sqrt(result.data[0]!.embedding.reduce((s, v) => s + v * v, 0));
    expect(norm).toBeCloseTo(1, 4);
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', dimensions: 64, encoding_format: 'float' });
    expect(floats.data[0]!.embedding).toEqual(result.data[0]!.embedding);
  });

  const runBatch = async (endpoint: '/v1/embeddings' | '/v1/completions' | '/v1/responses', body: (i: number) => Record<string, unknown>) => {
    const n = 6;
    const jsonl = Array.from({ length: n }, (_, i) => JSON.stringify({ custom_id: `c-${i}`, method: 'POST', url: endpoint, body: body(i) })).join('\n');
    const file = await client.files.create({ file: await toFile(Buffer.from(jsonl), 'in.jsonl'), purpose: 'batch' });
    let batch = await client.batches.create({ input_file_id: file.id, endpoint, completion_window: '24h' });
    expect(batch.endpoint).toBe(endpoint);
    for (let i = 0; i < 500 && !TERMINAL.includes(batch.status); i++) {
      await new Promise((r) => setTimeout(r, 10));
      batch = await client.batches.retrieve(batch.id);
    }
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: n, completed: n, failed: 0 });
    const lines = (await (await client.files.content(batch.output_file_id!)).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.custom_id as string).sort()).toEqual(Array.from({ length: n }, (_, i) => `c-${i}`));
    return { batch, bodies: lines.map((l) => l.response.body as Record<string, any>) };
  };

  it('creates and completes an embeddings batch', async () => {
    const { batch, bodies } = await runBatch('/v1/embeddings', (i) => ({ model: 'text-embedding-3-small', input: `text ${i}`, dimensions: 8 }));
    expect(bodies.every((b) => b.object === 'list' && b.data[0].embedding.length === 8)).toBe(true);
    expect(batch.usage?.input_tokens).toBe(6 * 2); // "text i": 6 characters = 2 tokens
  });

  it('creates and completes a completions batch and a responses batch', async () => {
    const completions = await runBatch('/v1/completions', (i) => ({ model: 'gpt-3.5-turbo-instruct', prompt: `Say ${i}`, max_tokens: 3 }));
    expect(completions.bodies.every((b) => b.object === 'text_completion' && b.usage.completion_tokens === 3)).toBe(true);
    const responses = await runBatch('/v1/responses', (i) => ({ model: 'mock-gpt-4o-mini', input: `Say ${i}`, max_output_tokens: 2 }));
    expect(responses.bodies.every((b) => b.object === 'response' && b.usage.output_tokens === 2)).toBe(true);
  });

  it('creates legacy completions, plain and streamed', async () => {
    const plain = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Once upon a time', max_tokens: 4 });
    expect(plain.object).toBe('text_completion');
    expect(plain.choices).toHaveLength(1);
    expect(plain.choices[0]!.text.trim().split(' ')).toHaveLength(4);
    expect(plain.usage).toEqual({ prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 });
    const several = await client.completions.create({ model: 'm', prompt: ['a', 'bb'], max_tokens: 2 });
    expect(several.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(several.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 4 });

    const stream = await client.completions.create({ model: 'm', prompt: 'hi', max_tokens: 3, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.text ?? '').join('');
    expect(text.trim().split(' ')).toHaveLength(3);
    expect(chunks.some((c) => c.choices[0]?.finish_reason === 'stop')).toBe(true);
    expect(chunks[chunks.length - 1]!.usage).toEqual({ prompt_tokens: 1, completion_tokens: 3, total_tokens: 4 });
  });
});
