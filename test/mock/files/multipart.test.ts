import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockServer } from '../../../src/mock/index.js';
import { fileContent, jsonOf, multipart, rawRequest, startTestServer } from '../support.js';

/** Multipart parsing as the Files API sees it: the body split anywhere, bad bodies answered 400. */
describe('multipart uploads', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  const boundary = '----X-boundary-42';
  // Content that looks like a boundary but isn't, plus CRLFs and binary bytes.
  const tricky = Buffer.concat([
    Buffer.from('line 1\r\n------X-boundary-4\r\n--'),
    Buffer.from([0, 13, 10, 45, 45, 255, 13]),
    Buffer.from('\r\n\r\nend'),
  ]);
  const { body, contentType } = multipart(
    [
      { name: 'file', value: tricky, filename: 'data.bin' },
      { name: 'purpose', value: 'user_data' },
    ],
    boundary,
  );
  const post = (chunks: Buffer[], type = contentType) =>
    rawRequest(server.url, { method: 'POST', path: '/v1/files', headers: { 'content-type': type }, chunks });
  const split = (bytes: Buffer, sizes: number[]): Buffer[] => {
    const out: Buffer[] = [];
    for (let i = 0, at = 0; at < bytes.length; i++) {
      const size = sizes[i % sizes.length]!;
      out.push(bytes.subarray(at, at + size));
      at += size;
    }
    return out;
  };

  for (const sizes of [[body.length], [1], [2, 3, 5, 7], [boundary.length + 3], [64, 1]]) {
    it(`stores the file byte for byte with the body split anywhere (chunk sizes ${sizes.join(',')})`, async () => {
      const res = await post(split(body, sizes));
      expect(res.status).toBe(200);
      const file = jsonOf<{ id: string; bytes: number; filename: string; purpose: string }>(res);
      expect(file).toMatchObject({ bytes: tricky.length, filename: 'data.bin', purpose: 'user_data' });
      const raw = Buffer.from(await (await fetch(`${server.url}/v1/files/${file.id}/content`, { headers: { authorization: 'Bearer sk-test-static' } })).arrayBuffer());
      expect(raw.equals(tricky)).toBe(true);
    });
  }

  it('answers 400 to a body without its closing boundary, and keeps serving', async () => {
    const res = await post([body.subarray(0, body.length - 10)]);
    expect(res.status).toBe(400);
    expect(jsonOf<{ error: { message: string } }>(res).error.message).toMatch(/^Malformed multipart body/);
    expect((await rawRequest(server.url, { path: '/health' })).status).toBe(200);
  });

  it('reads a quoted boundary and a UTF-8 file name; refuses a Content-Type without a boundary', async () => {
    const quoted = multipart(
      [
        { name: 'purpose', value: 'batch' },
        { name: 'file', value: '{}\n', filename: 'données.jsonl' },
      ],
      'a b',
    );
    const ok = await post([quoted.body], 'multipart/form-data; charset=utf-8; boundary="a b"');
    expect(ok.status).toBe(200);
    const file = jsonOf<{ id: string; filename: string }>(ok);
    expect(file.filename).toBe('données.jsonl');
    expect(await fileContent(server, file.id)).toBe('{}\n');
    for (const type of ['multipart/form-data', 'application/json', 'text/plain; boundary=x']) {
      const res = await post([quoted.body], type);
      expect(res.status).toBe(400);
      expect(jsonOf<{ error: { message: string } }>(res).error.message).toMatch(/^Invalid Content-Type/);
    }
  });

  it('refuses a field over 64 KB, a file sent as a plain field, and more than 1000 parts (400)', async () => {
    const bigField = multipart([
      { name: 'purpose', value: 'batch' },
      { name: 'note', value: 'x'.repeat(70 * 1024) },
      { name: 'file', value: '{}\n', filename: 'a.jsonl' },
    ]);
    const plainFile = multipart([
      { name: 'purpose', value: 'batch' },
      { name: 'file', value: '{}\n' },
    ]);
    const parts = [{ name: 'purpose', value: 'batch' }, { name: 'file', value: '{}\n', filename: 'a.jsonl' }];
    for (let i = 0; i < 1000; i++) parts.push({ name: `f${i}`, value: 'x' });
    const many = multipart(parts);
    const expected = [/field is too large/, /expected a file part/, /too many parts/];
    for (const [i, c] of [bigField, plainFile, many].entries()) {
      const res = await post([c.body], c.contentType);
      expect(res.status).toBe(400);
      expect(jsonOf<{ error: { message: string } }>(res).error.message).toMatch(expected[i]!);
    }
  });
});
