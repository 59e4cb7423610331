import { describe, expect, it } from 'vitest';
import {
  chatJsonl,
  createBatch,
  jsonOf,
  postJson,
  rawRequest,
  startTestServer,
  uploadText,
  waitForBatch,
} from '../support.js';

const status = async (url: string, path: string): Promise<number> => (await rawRequest(url, { path })).status;

describe('a bounded store', () => {
  it('evicts the oldest terminal batches past --retain, with their input, output and error files (404 afterwards)', async () => {
    const server = await startTestServer({ retention: { count: 2 }, faults: { routes: { 'POST /v1/chat/completions': { error500: 0.5 } } }, seed: 3 });
    try {
      const done = [];
      for (let i = 0; i < 4; i++) done.push(await waitForBatch(server, (await createBatch(server, chatJsonl(6))).id));
      expect(done.every((b) => b.output_file_id && b.error_file_id)).toBe(true);
      for (const [i, batch] of done.entries()) {
        const expected = i < 2 ? 404 : 200;
        expect(await status(server.url, `/v1/batches/${batch.id}`)).toBe(expected);
        for (const id of [batch.input_file_id, batch.output_file_id, batch.error_file_id]) {
          expect(await status(server.url, `/v1/files/${id}`)).toBe(expected);
          expect(await status(server.url, `/v1/files/${id}/content`)).toBe(expected);
        }
      }
      const evicted = await rawRequest(server.url, { path: `/v1/batches/${done[0]!.id}` });
      expect(jsonOf(evicted)).toEqual({
        error: { message: `No such Batch object: ${done[0]!.id}`, type: 'invalid_request_error', param: 'batch_id', code: null },
      });
      // Lists hold only what is stored; a cursor naming an evicted batch still pages.
      const list = jsonOf<{ data: Array<{ id: string }> }>(await rawRequest(server.url, { path: '/v1/batches' }));
      expect(list.data.map((b) => b.id)).toEqual([done[3]!.id, done[2]!.id]);
      const after = jsonOf<{ data: Array<{ id: string }> }>(await rawRequest(server.url, { path: `/v1/batches?order=asc&after=${done[0]!.id}` }));
      expect(after.data.map((b) => b.id)).toEqual([done[2]!.id, done[3]!.id]);
      expect((await postJson(server, `/v1/batches/${done[0]!.id}/cancel`, {})).status).toBe(404);
      const stats = server.stats();
      expect(stats.batches).toMatchObject({ created: 4, stored: 2, evicted: 2, byStatus: { completed: 4 } });
      expect(stats.files).toMatchObject({ created: 12, stored: 6, evicted: 6 });
    } finally {
      await server.close();
    }
  });

  it('never evicts a batch that is still running', async () => {
    const server = await startTestServer({ retention: { count: 1 } });
    const stuck = await startTestServer({ retention: { count: 1 }, faults: { batch: { stuckInProgress: 1 } } });
    try {
      const running = await createBatch(stuck, chatJsonl(4));
      for (let i = 0; i < 3; i++) await waitForBatch(server, (await createBatch(server, chatJsonl(2))).id);
      expect(server.stats().batches).toMatchObject({ stored: 1, evicted: 2 });
      await new Promise((r) => setTimeout(r, 100));
      expect(jsonOf<{ status: string }>(await rawRequest(stuck.url, { path: `/v1/batches/${running.id}` })).status).toBe('in_progress');
      expect(await status(stuck.url, `/v1/files/${running.input_file_id}`)).toBe(200);
    } finally {
      await Promise.all([server.close(), stuck.close()]);
    }
  });

  it('evicts by age (--retain-for), batches and uploads no batch uses', async () => {
    const server = await startTestServer({ retention: { count: 0, ageMs: 300 } });
    try {
      const batch = await waitForBatch(server, (await createBatch(server, chatJsonl(2))).id);
      const loose = await uploadText(server, 'not batched\n', 'user_data', 'notes.txt');
      expect(await status(server.url, `/v1/batches/${batch.id}`)).toBe(200);
      expect(await status(server.url, `/v1/files/${loose.id}`)).toBe(200);
      await new Promise((r) => setTimeout(r, 700));
      expect(await status(server.url, `/v1/batches/${batch.id}`)).toBe(404);
      expect(await status(server.url, `/v1/files/${batch.output_file_id}`)).toBe(404);
      expect(await status(server.url, `/v1/files/${loose.id}`)).toBe(404);
      expect(server.stats()).toMatchObject({ batches: { stored: 0, evicted: 1 }, files: { stored: 0, evicted: 3 } });
    } finally {
      await server.close();
    }
  });

  it('keeps at most --retain uploads that no batch uses; an input file shared by two batches goes with the last', async () => {
    const server = await startTestServer({ retention: { count: 2 } });
    try {
      const files = [];
      for (let i = 0; i < 3; i++) files.push(await uploadText(server, `${i}\n`, 'user_data', `f${i}.txt`));
      expect(await status(server.url, `/v1/files/${files[0]!.id}`)).toBe(404);
      expect(await status(server.url, `/v1/files/${files[1]!.id}`)).toBe(200);
      const listed = jsonOf<{ data: Array<{ id: string }> }>(await rawRequest(server.url, { path: '/v1/files?purpose=user_data' }));
      expect(listed.data.map((f) => f.id)).toEqual([files[2]!.id, files[1]!.id]);

      const input = await uploadText(server, chatJsonl(2));
      const create = () => postJson(server, '/v1/batches', { input_file_id: input.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
      const a = await waitForBatch(server, jsonOf<{ id: string }>(await create()).id);
      const b = await waitForBatch(server, jsonOf<{ id: string }>(await create()).id);
      // Each further terminal batch pushes one out: a first (the shared input stays for b), then b with the input.
      await waitForBatch(server, (await createBatch(server, chatJsonl(1))).id);
      expect(await status(server.url, `/v1/batches/${a.id}`)).toBe(404);
      expect(await status(server.url, `/v1/batches/${b.id}`)).toBe(200);
      expect(await status(server.url, `/v1/files/${input.id}/content`)).toBe(200);
      await waitForBatch(server, (await createBatch(server, chatJsonl(1))).id);
      expect(await status(server.url, `/v1/batches/${b.id}`)).toBe(404);
      expect(await status(server.url, `/v1/files/${input.id}`)).toBe(404);
    } finally {
      await server.close();
    }
  });
});
