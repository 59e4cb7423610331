import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../../src/mock/index.js';
import { chatLine, createBatch, jsonOf, postJson, rawRequest, startTestServer, uploadText, waitForBatch } from '../support.js';

describe('batch validation', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startTestServer({ batch: { maxLines: 5 } });
  });
  afterAll(() => server.close());

  const cases: Array<[string, string[], string, number | null]> = [
    ['a line that is not JSON', [chatLine(1), '{"custom_id": broken', chatLine(3)], 'invalid_json_line', 2],
    ['a missing custom_id', [chatLine(1), chatLine(2), chatLine(3, { custom_id: undefined })], 'missing_required_parameter', 3],
    ['a duplicate custom_id', [chatLine(1), chatLine(2), chatLine(1)], 'duplicate_custom_id', 3],
    ['url ≠ endpoint', [chatLine(1, { url: '/v1/embeddings' })], 'invalid_url', 1],
    ['method ≠ POST', [chatLine(1), chatLine(2, { method: 'GET' })], 'invalid_method', 2],
    ['more lines than the limit', Array.from({ length: 6 }, (_, i) => chatLine(i + 1)), 'too_many_lines', 6],
    ['stream: true', [chatLine(1, { body: { model: 'm', messages: [{ role: 'user', content: 'x' }], stream: true } })], 'streaming_unsupported', 1],
    ['an empty file', [''], 'empty_file', null],
  ];

  for (const [name, lines, code, line] of cases) {
    it(`fails a batch with ${name} (${code}, line ${line})`, async () => {
      const created = await createBatch(server, lines.join('\n') + '\n');
      const batch = await waitForBatch(server, created.id);
      expect(batch.status).toBe('failed');
      expect(batch.failed_at).not.toBeNull();
      expect(batch.output_file_id).toBeNull();
      expect(batch.errors.object).toBe('list');
      expect(batch.errors.data[0]).toMatchObject({ code, line });
      expect(typeof batch.errors.data[0].message).toBe('string');
      expect((await rawRequest(server.url, { path: '/health' })).status).toBe(200);
    });
  }

  it('accepts an input file that starts with a UTF-8 byte order mark, and runs its first line', async () => {
    const created = await createBatch(server, `\uFEFF${chatLine(1)}\n${chatLine(2)}\n`);
    const batch = await waitForBatch(server, created.id);
    expect(batch.status).toBe('completed');
    expect(batch.request_counts).toMatchObject({ total: 2, completed: 2, failed: 0 });
  });

  it('counts blank lines in line numbers', async () => {
    const created = await createBatch(server, `${chatLine(1)}\n\n${chatLine(1)}\n`);
    const batch = await waitForBatch(server, created.id);
    expect(batch.errors.data[0]).toMatchObject({ code: 'duplicate_custom_id', line: 3 });
  });

  it('rejects bad create requests with OpenAI errors', async () => {
    const batchFile = await uploadText(server, `${chatLine(1)}\n`);
    const userFile = await uploadText(server, `${chatLine(1)}\n`, 'user_data');
    const good = { input_file_id: batchFile.id, endpoint: '/v1/chat/completions', completion_window: '24h' };
    const bad: Array<[Record<string, unknown> | string, number, string | null]> = [
      [{ ...good, input_file_id: 'file-nope' }, 404, 'input_file_id'],
      [{ ...good, input_file_id: userFile.id }, 400, 'input_file_id'],
      [{ ...good, input_file_id: undefined }, 400, 'input_file_id'],
      [{ ...good, endpoint: '/v1/images/generations' }, 400, 'endpoint'],
      [{ ...good, completion_window: '48h' }, 400, 'completion_window'],
      [{ ...good, metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])) }, 400, 'metadata'],
      [{ ...good, metadata: { ['k'.repeat(65)]: 'v' } }, 400, 'metadata'],
      [{ ...good, metadata: { k: 'v'.repeat(513) } }, 400, 'metadata'],
      ['{not json', 400, null],
    ];
    for (const [body, status, param] of bad) {
      const res = await postJson(server, '/v1/batches', body);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      const { error } = jsonOf<{ error: Record<string, unknown> }>(res);
      expect(error.param).toBe(param);
      expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
    }
    const ok = await postJson(server, '/v1/batches', { ...good, metadata: { run: 'x' } });
    expect(ok.status).toBe(200);
    const batch = jsonOf<Record<string, unknown>>(ok);
    for (const key of [
      'id', 'object', 'endpoint', 'model', 'errors', 'input_file_id', 'completion_window', 'status', 'output_file_id',
      'error_file_id', 'created_at', 'in_progress_at', 'expires_at', 'finalizing_at', 'completed_at', 'failed_at',
      'expired_at', 'cancelling_at', 'cancelled_at', 'request_counts', 'metadata', 'usage',
    ]) {
      expect(batch, key).toHaveProperty(key);
    }
    expect(batch).toMatchObject({ object: 'batch', status: 'validating', completed_at: null, errors: null, metadata: { run: 'x' } });
    expect((await rawRequest(server.url, { path: '/v1/batches/batch_nope' })).status).toBe(404);
  });
});
