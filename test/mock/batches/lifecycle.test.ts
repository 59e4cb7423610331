import { describe, expect, it } from 'vitest';
import { chatJsonl, createBatch, fileContent, jsonOf, jsonlLines, postJson, rawRequest, startTestServer, waitForBatch } from '../support.js';

describe('batch lifecycle', () => {
  it('completes with request_counts rising, usage, and 409 on a late cancel', async () => {
    const server = await startTestServer({ latency: { ttftMs: 10 }, batch: { lineConcurrency: 2 } });
    try {
      const created = await createBatch(server, chatJsonl(12));
      const completedSeen: number[] = [];
      let batch = created;
      for (let i = 0; i < 500 && !['completed', 'failed'].includes(batch.status); i++) {
        batch = jsonOf(await rawRequest(server.url, { path: `/v1/batches/${created.id}` }));
        completedSeen.push(batch.request_counts.completed);
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(batch.status).toBe('completed');
      expect(batch.model).toBe('mock-gpt-4o-mini');
      expect(batch.usage.output_tokens).toBe(12 * 4);
      expect(new Set(completedSeen).size).toBeGreaterThan(2);
      expect([...completedSeen].sort((a, b) => a - b)).toEqual(completedSeen);
      const cancel = await postJson(server, `/v1/batches/${created.id}/cancel`, {});
      expect(cancel.status).toBe(409);
      expect(server.stats().batchLines.byStatus['200']).toBe(12);
    } finally {
      await server.close();
    }
  });

  it('expires: partial output kept, the rest batch_expired in the error file', async () => {
    const server = await startTestServer({ latency: { ttftMs: 30 }, batch: { lineConcurrency: 1, expiryMs: 400 } });
    try {
      const created = await createBatch(server, chatJsonl(60));
      const batch = await waitForBatch(server, created.id);
      expect(batch.status).toBe('expired');
      expect(batch.expired_at).not.toBeNull();
      const { completed, failed, total } = batch.request_counts;
      expect(total).toBe(60);
      expect(completed).toBeGreaterThan(0);
      expect(completed + failed).toBe(60);
      expect(jsonlLines(await fileContent(server, batch.output_file_id))).toHaveLength(completed);
      const errors = jsonlLines(await fileContent(server, batch.error_file_id));
      expect(errors).toHaveLength(failed);
      expect(errors.every((e) => e.error.code === 'batch_expired' && e.response === null)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('runs lines through the online route faults: a 500 fault gives status_code 500 error lines', async () => {
    const server = await startTestServer({ seed: 7, faults: { routes: { 'POST /v1/chat/completions': { error500: 0.5 } } } });
    try {
      const batch = await waitForBatch(server, (await createBatch(server, chatJsonl(40))).id);
      expect(batch.status).toBe('completed');
      const { completed, failed } = batch.request_counts;
      expect(failed).toBeGreaterThan(0);
      expect(completed).toBeGreaterThan(0);
      const errors = jsonlLines(await fileContent(server, batch.error_file_id));
      expect(errors).toHaveLength(failed);
      for (const line of errors) {
        expect(line.response.status_code).toBe(500);
        expect(line.response.body.error.type).toBe('server_error');
        expect(line.error).toBeNull();
      }
      expect(server.stats().batchLines.byStatus).toEqual({ '200': completed, '500': failed });
      // Batch lines are not online requests.
      expect(server.stats().requests.byRoute['POST /v1/chat/completions']).toBeUndefined();
    } finally {
      await server.close();
    }
  });

  it('injects batch faults: dropped line, duplicated line, stuck in_progress until cancelled', async () => {
    const drop = await startTestServer({ faults: { batch: { dropOutputLine: 1 } } });
    const dup = await startTestServer({ faults: { batch: { duplicateOutputLine: 1 } } });
    const stuck = await startTestServer({ faults: { batch: { stuckInProgress: 1 } } });
    try {
      const dropped = await waitForBatch(drop, (await createBatch(drop, chatJsonl(10))).id);
      expect(dropped.request_counts.completed).toBe(10);
      expect(jsonlLines(await fileContent(drop, dropped.output_file_id))).toHaveLength(9);

      const duplicated = await waitForBatch(dup, (await createBatch(dup, chatJsonl(10))).id);
      const lines = jsonlLines(await fileContent(dup, duplicated.output_file_id));
      expect(lines).toHaveLength(11);
      expect(new Set(lines.map((l) => l.custom_id)).size).toBe(10);

      const created = await createBatch(stuck, chatJsonl(10));
      let batch = created;
      for (let i = 0; i < 100 && batch.request_counts.completed < 5; i++) {
        await new Promise((r) => setTimeout(r, 20));
        batch = jsonOf(await rawRequest(stuck.url, { path: `/v1/batches/${created.id}` }));
      }
      await new Promise((r) => setTimeout(r, 200));
      batch = jsonOf(await rawRequest(stuck.url, { path: `/v1/batches/${created.id}` }));
      expect(batch.status).toBe('in_progress');
      expect(batch.request_counts.completed).toBe(5);
      expect((await postJson(stuck, `/v1/batches/${created.id}/cancel`, {})).status).toBe(200);
      const cancelled = await waitForBatch(stuck, created.id);
      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.request_counts).toEqual({ total: 10, completed: 5, failed: 5 });
      expect(stuck.stats().batches.byStatus).toMatchObject({ cancelled: 1, in_progress: 0, cancelling: 0 });
    } finally {
      await Promise.all([drop.close(), dup.close(), stuck.close()]);
    }
  });

  it('runs embeddings and responses batches, and lists batches under the base path they were made on', async () => {
    const server = await startTestServer();
    try {
      const emb = (i: number) => JSON.stringify({ custom_id: `e${i}`, method: 'POST', url: '/v1/embeddings', body: { model: 'e', input: `x${i}`, dimensions: 4 } });
      const resp = (i: number) => JSON.stringify({ custom_id: `r${i}`, method: 'POST', url: '/v1/responses', body: { model: 'm', input: `x${i}` } });
      const a = await waitForBatch(server, (await createBatch(server, [1, 2, 3].map(emb).join('\n'), '/v1/embeddings')).id);
      const b = await waitForBatch(server, (await createBatch(server, [1, 2, 3].map(resp).join('\n'), '/v1/responses')).id);
      expect(a.status).toBe('completed');
      expect(b.status).toBe('completed');
      const embLines = jsonlLines(await fileContent(server, a.output_file_id));
      expect(embLines[0]!.response.body.data[0].embedding).toHaveLength(4);
      const respLines = jsonlLines(await fileContent(server, b.output_file_id));
      expect(respLines.every((l) => l.response.body.object === 'response')).toBe(true);
      const list = jsonOf<Record<string, any>>(await rawRequest(server.url, { path: '/ai/v1/batches?limit=1' }));
      expect(list).toMatchObject({ object: 'list', has_more: true, first_id: b.id });
    } finally {
      await server.close();
    }
  });
});
