/**
 * The official openai SDK drives an embeddings batch against the mock with the shipped file, and
 * the tester's own streamed integrity and line checks accept what the SDK downloads.
 */
import { createReadStream } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBatchInput, resolveDataPath } from '../../../src/config/data-file.js';
import { startMockServer, type MockServer } from '../../../src/mock/index.js';
import { IntegrityCheck } from '../../../src/scenarios/batch/integrity.js';
import { LineSplitter } from '../../../src/scenarios/batch/stream-lines.js';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { staticKeys: ['sk-sdk'] }, batch: { validatingMs: 20, finalizingMs: 20 } });
});
afterAll(() => mock.close());

describe('openai SDK: an embeddings batch', () => {
  it('files.create → batches.create(/v1/embeddings) → retrieve until completed → files.content passes integrity', async () => {
    const input = await loadBatchInput(resolveDataPath('embeddings'));
    expect(input.endpoint).toBe('/v1/embeddings');
    const client = new OpenAI({ apiKey: 'sk-sdk', baseURL: `${mock.url}/v1`, maxRetries: 0 });
    const file = await client.files.create({ file: createReadStream(input.path), purpose: 'batch' });
    expect(file.bytes).toBe(input.bytes);
    let batch = await client.batches.create({ input_file_id: file.id, endpoint: '/v1/embeddings', completion_window: '24h' });
    for (let i = 0; i < 100 && !['completed', 'failed', 'expired', 'cancelled'].includes(batch.status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      batch = await client.batches.retrieve(batch.id);
    }
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toEqual({ total: 10, completed: 10, failed: 0 });

    const check = new IntegrityCheck(input.customIds, batch.endpoint);
    const content = await client.files.content(batch.output_file_id!);
    const splitter = new LineSplitter((line) => check.line(line, false));
    for await (const chunk of content.body as unknown as AsyncIterable<Uint8Array>) splitter.push(Buffer.from(chunk));
    splitter.end();
    const report = check.finish(batch.status, batch.request_counts);
    expect(report).toMatchObject({ ok: true, succeeded: 10, outputLines: 10, lineChecks: {} });
  });
});
