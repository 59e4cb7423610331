import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../../src/mock/index.js';
import { jsonOf, multipart, rawRequest, startTestServer, uploadText } from '../support.js';

describe('Files API', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startTestServer({ files: { maxBatchFileBytes: 4096, maxFileBytes: 8192 } });
  });
  afterAll(() => server.close());

  const post = (body: Buffer, contentType: string, chunks?: Buffer[]) =>
    rawRequest(server.url, { method: 'POST', path: '/v1/files', headers: { 'content-type': contentType }, body, chunks });

  const health = async () => expect((await rawRequest(server.url, { path: '/health' })).status).toBe(200);

  it('accepts purpose after the file, chunked without Content-Length, and returns the bytes unchanged', async () => {
    const content = Buffer.concat([Buffer.from('{"a":1}\r\n--not-a-boundary\n'), Buffer.from([0, 1, 2, 254, 255])]);
    const { body, contentType } = multipart([
      { name: 'file', value: content, filename: 'weird name.jsonl' },
      { name: 'purpose', value: 'user_data' },
    ]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < body.length; i += 7) chunks.push(body.subarray(i, i + 7));
    const res = await post(body, contentType, chunks);
    expect(res.status).toBe(200);
    const file = jsonOf<Record<string, unknown>>(res);
    expect(file).toMatchObject({ object: 'file', bytes: content.length, filename: 'weird name.jsonl', purpose: 'user_data', status: 'processed' });
    expect(file.expires_at).toBeNull();
    expect(res.headers['x-request-id']).toBeTruthy();
    const meta = jsonOf(await rawRequest(server.url, { path: `/v1/files/${file.id}` }));
    expect(meta).toEqual(file);
    const raw = await new Promise<Buffer>((resolve) => {
      void fetch(`${server.url}/v1/files/${file.id}/content`, { headers: { authorization: 'Bearer sk-test-static' } })
        .then((r) => r.arrayBuffer())
        .then((b) => resolve(Buffer.from(b)));
    });
    expect(raw.equals(content)).toBe(true);
  });

  it('rejects uploads without purpose, without file, with a bad purpose, or not multipart (400)', async () => {
    const cases = [
      multipart([{ name: 'file', value: 'x', filename: 'a.jsonl' }]),
      multipart([{ name: 'purpose', value: 'batch' }]),
      multipart([
        { name: 'purpose', value: 'nonsense' },
        { name: 'file', value: 'x', filename: 'a.jsonl' },
      ]),
    ];
    const params = ['purpose', 'file', 'purpose'];
    for (const [i, c] of cases.entries()) {
      const res = await post(c.body, c.contentType);
      expect(res.status).toBe(400);
      const { error } = jsonOf<{ error: Record<string, unknown> }>(res);
      expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(error.param).toBe(params[i]);
    }
    const notMultipart = await post(Buffer.from('{}'), 'application/json');
    expect(notMultipart.status).toBe(400);
    await health();
  });

  it('answers 413 over the batch limit (purpose known first or last) and over the general limit', async () => {
    const big = Buffer.alloc(5000, 'a');
    for (const order of ['first', 'last']) {
      const parts = [
        { name: 'purpose', value: 'batch' },
        { name: 'file', value: big, filename: 'big.jsonl' },
      ];
      const { body, contentType } = multipart(order === 'first' ? parts : parts.reverse());
      const res = await post(body, contentType);
      expect(res.status).toBe(413);
      expect(jsonOf<{ error: { type: string } }>(res).error.type).toBe('invalid_request_error');
    }
    const ok = multipart([
      { name: 'purpose', value: 'user_data' },
      { name: 'file', value: big, filename: 'big.bin' },
    ]);
    expect((await post(ok.body, ok.contentType)).status).toBe(200);
    const huge = multipart([
      { name: 'purpose', value: 'user_data' },
      { name: 'file', value: Buffer.alloc(9000), filename: 'huge.bin' },
    ]);
    expect((await post(huge.body, huge.contentType)).status).toBe(413);
    await health();
  });

  it('lists with purpose filter and cursor pagination, deletes, then 404s', async () => {
    const fresh = await startTestServer();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await uploadText(fresh, `{"i":${i}}\n`, i % 2 === 0 ? 'batch' : 'user_data')).id);
      const page1 = jsonOf<Record<string, any>>(await rawRequest(fresh.url, { path: '/v1/files?limit=2' }));
      expect(page1.data.map((f: { id: string }) => f.id)).toEqual([ids[4], ids[3]]);
      expect(page1).toMatchObject({ object: 'list', has_more: true, first_id: ids[4], last_id: ids[3] });
      const page2 = jsonOf<Record<string, any>>(await rawRequest(fresh.url, { path: `/v1/files?limit=2&after=${ids[3]}` }));
      expect(page2.data.map((f: { id: string }) => f.id)).toEqual([ids[2], ids[1]]);
      const asc = jsonOf<Record<string, any>>(await rawRequest(fresh.url, { path: '/v1/files?order=asc&purpose=batch' }));
      expect(asc.data.map((f: { id: string }) => f.id)).toEqual([ids[0], ids[2], ids[4]]);
      expect(asc.has_more).toBe(false);

      const del = await rawRequest(fresh.url, { method: 'DELETE', path: `/v1/files/${ids[2]}` });
      expect(jsonOf(del)).toEqual({ id: ids[2], object: 'file', deleted: true });
      for (const path of [`/v1/files/${ids[2]}`, `/v1/files/${ids[2]}/content`]) {
        const res = await rawRequest(fresh.url, { path });
        expect(res.status).toBe(404);
        expect(jsonOf(res)).toEqual({
          error: { message: `No such File object: ${ids[2]}`, type: 'invalid_request_error', param: 'id', code: null },
        });
      }
      expect((await rawRequest(fresh.url, { method: 'DELETE', path: `/v1/files/${ids[2]}` })).status).toBe(404);
      // A deleted file still works as a cursor.
      const after = jsonOf<Record<string, any>>(await rawRequest(fresh.url, { path: `/v1/files?after=${ids[2]}` }));
      expect(after.data.map((f: { id: string }) => f.id)).toEqual([ids[1], ids[0]]);
      expect((await rawRequest(fresh.url, { path: '/v1/files?limit=0' })).status).toBe(400);
    } finally {
      await fresh.close();
    }
  });

  it('serves the same API under /ai/v1', async () => {
    const { body, contentType } = multipart([
      { name: 'purpose', value: 'batch' },
      { name: 'file', value: '{}\n', filename: 'x.jsonl' },
    ]);
    const res = await rawRequest(server.url, { method: 'POST', path: '/ai/v1/files', headers: { 'content-type': contentType }, body });
    expect(res.status).toBe(200);
    const { id } = jsonOf<{ id: string }>(res);
    expect((await rawRequest(server.url, { path: `/ai/v1/files/${id}/content` })).body).toBe('{}\n');
    expect(server.stats().requests.byRoute['POST /ai/v1/files']).toEqual({ '200': 1 });
  });
});
