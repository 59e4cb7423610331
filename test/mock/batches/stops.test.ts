import { describe, expect, it } from 'vitest';
import type { MockServer, MockServerOptions } from '../../../src/mock/index.js';
import { chatJsonl, createBatch, fileContent, jsonOf, jsonlLines, postJson, rawRequest, startTestServer, uploadText, waitForBatch, withServer } from '../support.js';

type Batch = Record<string, any>;

const get = async (server: MockServer, id: string): Promise<Batch> => jsonOf(await rawRequest(server.url, { path: `/v1/batches/${id}` }));
const cancel = (server: MockServer, id: string) => postJson(server, `/v1/batches/${id}/cancel`, {});

async function lines(server: MockServer, id: string | null): Promise<Batch[]> {
  return id === null ? [] : jsonlLines(await fileContent(server, id));
}

/** Waits (bounded) until `done` lines of the batch have finished. */
async function untilDone(server: MockServer, id: string, done: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const b = await get(server, id);
    if (b.request_counts.completed + b.request_counts.failed >= done) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`batch ${id} never reached ${done} lines`);
}

/** Every custom_id of an n-line chatJsonl input is in exactly one of the two files; counts match the files. */
function expectAccounted(batch: Batch, output: Batch[], errors: Batch[], n: number, stopCode: string): void {
  const ids = [...output, ...errors].map((l) => l.custom_id as string).sort();
  expect(ids).toEqual(Array.from({ length: n }, (_, i) => `request-${i + 1}`).sort());
  expect(batch.request_counts).toEqual({ total: n, completed: output.length, failed: errors.length });
  expect(output.every((l) => l.response.status_code === 200 && l.error === null)).toBe(true);
  expect(errors.every((l) => l.response === null && l.error.code === stopCode && typeof l.error.message === 'string')).toBe(true);
}

/** Options of a server whose batches run one 20 ms line at a time, with millisecond timestamps. */
const slow = (extra: MockServerOptions = {}): MockServerOptions => ({
  ...extra,
  latency: { ttftMs: 20 },
  batch: { lineConcurrency: 1, validatingMs: 30, cancellingMs: 60, msTimestamps: true, ...extra.batch },
});

describe('cancel', () => {
  it('in_progress: done lines stay in the output, the rest are batch_cancelled in the error file; every timestamp right', () =>
    withServer(slow(), async (server) => {
        const created = await createBatch(server, chatJsonl(30));
        await untilDone(server, created.id, 3);
        const res = await cancel(server, created.id);
        expect(res.status).toBe(200);
        const cancelling = jsonOf<Batch>(res);
        expect(cancelling).toMatchObject({ status: 'cancelling', cancelled_at: null, completed_at: null });
        expect(cancelling.cancelling_at).toBeGreaterThanOrEqual(cancelling.in_progress_at);
        expect((await cancel(server, created.id)).status).toBe(200); // again while cancelling
        const batch = await waitForBatch(server, created.id);
        expect(batch.status).toBe('cancelled');
        expect(batch.in_progress_at - batch.created_at).toBeCloseTo(0.03, 3);
        expect(batch.cancelling_at).toBe(cancelling.cancelling_at);
        expect(batch.cancelled_at - batch.cancelling_at).toBeCloseTo(0.06, 3);
        for (const key of ['finalizing_at', 'completed_at', 'failed_at', 'expired_at']) expect(batch[key]).toBeNull();
        expect(batch.errors).toBeNull();
        const output = await lines(server, batch.output_file_id);
        const errors = await lines(server, batch.error_file_id);
        expect(output.length).toBeGreaterThanOrEqual(3);
        expect(errors.length).toBeGreaterThan(0);
        expectAccounted(batch, output, errors, 30, 'batch_cancelled');
        const again = await cancel(server, created.id);
        expect(again.status).toBe(409);
        expect(jsonOf<Batch>(again).error.code).toBe('batch_not_cancellable');
    }));

  it('while validating: every line batch_cancelled, no output file, in_progress_at null', () =>
    withServer(slow({ batch: { validatingMs: 300 } }), async (server) => {
        const created = await createBatch(server, chatJsonl(5));
        expect(jsonOf<Batch>(await cancel(server, created.id)).status).toBe('cancelling');
        const batch = await waitForBatch(server, created.id);
        expect(batch).toMatchObject({ status: 'cancelled', in_progress_at: null, output_file_id: null, finalizing_at: null });
        expectAccounted(batch, [], await lines(server, batch.error_file_id), 5, 'batch_cancelled');
    }));
});

describe('expiry', () => {
  it('--batch-expiry: expired at expires_at, done lines in the output, the rest batch_expired', () =>
    withServer(slow({ batch: { expiryMs: 300 } }), async (server) => {
        const batch = await waitForBatch(server, (await createBatch(server, chatJsonl(40))).id);
        expect(batch.status).toBe('expired');
        expect(batch.expired_at).toBe(batch.expires_at);
        expect(batch.expires_at - batch.created_at).toBeCloseTo(0.3, 3);
        for (const key of ['finalizing_at', 'completed_at', 'failed_at', 'cancelling_at', 'cancelled_at']) expect(batch[key]).toBeNull();
        const output = await lines(server, batch.output_file_id);
        expect(output.length).toBeGreaterThan(0);
        expectAccounted(batch, output, await lines(server, batch.error_file_id), 40, 'batch_expired');
    }));

  it('takes another completion_window only with --any-completion-window, and echoes it', async () => {
    const strict = await startTestServer(slow());
    const loose = await startTestServer(slow({ batch: { anyCompletionWindow: true } }));
    try {
      for (const server of [strict, loose]) {
        const file = await uploadText(server, chatJsonl(40));
        const res = await postJson(server, '/v1/batches', { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '250ms' });
        if (server === strict) {
          expect(res.status).toBe(400);
          expect(jsonOf<Batch>(res).error.param).toBe('completion_window');
          continue;
        }
        const batch = await waitForBatch(server, jsonOf<Batch>(res).id);
        expect(batch).toMatchObject({ status: 'expired', completion_window: '250ms' });
        expect(batch.expires_at - batch.created_at).toBeCloseTo(0.25, 3);
        const bad = await postJson(server, '/v1/batches', { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: 'soon' });
        expect(bad.status).toBe(400);
      }
    } finally {
      await Promise.all([strict.close(), loose.close()]);
    }
  });
});

describe('held-back faults on stopped batches', () => {
  it('--fault-drop-line and --fault-duplicate-line also hit cancelled and expired batches (counts unchanged)', async () => {
    for (const [fault, delta] of [['dropOutputLine', -1], ['duplicateOutputLine', 1]] as const) {
      await withServer(slow({ faults: { batch: { [fault]: 1 } }, batch: { expiryMs: 300 } }), async (server) => {
        // Expired with successes: the fault hits the output file.
        const expired = await waitForBatch(server, (await createBatch(server, chatJsonl(40))).id);
        expect(expired.status).toBe('expired');
        const output = await lines(server, expired.output_file_id);
        expect(output.length).toBe(expired.request_counts.completed + delta);
        // Cancelled before any line ran: no output file, so the fault hits the error file.
        const created = await createBatch(server, chatJsonl(4));
        await cancel(server, created.id);
        const cancelled = await waitForBatch(server, created.id);
        expect(cancelled).toMatchObject({ status: 'cancelled', output_file_id: null, request_counts: { total: 4, completed: 0, failed: 4 } });
        expect((await lines(server, cancelled.error_file_id)).length).toBe(4 + delta);
      });
    }
  });
});

describe('failed batches', () => {
  it('a validation failure: failed_at = created_at + validating, errors.data codes, counts 0/0/0, no files', () =>
    withServer(slow(), async (server) => {
        const batch = await waitForBatch(server, (await createBatch(server, '{"custom_id": broken\n')).id);
        expect(batch).toMatchObject({ status: 'failed', in_progress_at: null, output_file_id: null, error_file_id: null });
        expect(batch.request_counts).toEqual({ total: 0, completed: 0, failed: 0 });
        expect(batch.failed_at - batch.created_at).toBeCloseTo(0.03, 3);
        expect(batch.errors.data.map((e: Batch) => e.code)).toEqual(['invalid_json_line']);
    }));

  it('keeps request_counts at 0/0/0 while validating', () =>
    withServer(slow({ batch: { validatingMs: 200 } }), async (server) => {
        const created = await createBatch(server, chatJsonl(3));
        await new Promise((r) => setTimeout(r, 100));
        expect(await get(server, created.id)).toMatchObject({ status: 'validating', request_counts: { total: 0, completed: 0, failed: 0 } });
    }));

  it('--max-enqueued-tokens: a batch past the limit fails with token_limit_exceeded; tokens come back once a batch ends', () =>
    // Each chatJsonl line's prompt is "hello N" (7 characters = 2 tokens): 10 lines = 20 tokens.
    withServer(slow({ batch: { maxEnqueuedTokens: 30 } }), async (server) => {
      const first = await createBatch(server, chatJsonl(10));
      await untilDone(server, first.id, 1);
      expect(server.stats().batches.enqueuedTokens).toBe(20);
      const refused = await waitForBatch(server, (await createBatch(server, chatJsonl(10))).id);
      expect(refused).toMatchObject({ status: 'failed', in_progress_at: null });
      expect(refused.errors.data).toEqual([
        {
          code: 'token_limit_exceeded',
          message: expect.stringMatching(/^Enqueued token limit reached for mock-gpt-4o-mini .*Limit: 30 enqueued tokens/),
          param: null,
          line: null,
        },
      ]);
      expect((await waitForBatch(server, first.id)).status).toBe('completed');
      expect(server.stats().batches.enqueuedTokens).toBe(0);
      expect((await waitForBatch(server, (await createBatch(server, chatJsonl(10))).id)).status).toBe('completed');
    }));
});
