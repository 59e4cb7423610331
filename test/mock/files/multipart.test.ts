import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MultipartParser, multipartBoundary } from '../../../src/mock/files/multipart.js';
import { multipart } from '../support.js';

async function parseAll(body: Buffer, boundary: string, chunkSizes: number[]): Promise<Map<string, { filename: string | null; data: Buffer }>> {
  const parts = new Map<string, { filename: string | null; data: Buffer }>();
  const parser = new MultipartParser(boundary, (info) => {
    const chunks: Buffer[] = [];
    return {
      data: (c) => void chunks.push(Buffer.from(c)),
      end: () => void parts.set(info.name, { filename: info.filename, data: Buffer.concat(chunks) }),
    };
  });
  async function* source(): AsyncGenerator<Buffer> {
    let offset = 0;
    for (let i = 0; offset < body.length; i++) {
      const size = chunkSizes[i % chunkSizes.length]!;
      yield body.subarray(offset, offset + size);
      offset += size;
    }
  }
  await parser.parse(Readable.from(source(), { objectMode: false }));
  return parts;
}

describe('streaming multipart parser', () => {
  const boundary = '----X-boundary-42';
  // Content that looks like a boundary but isn't, plus CRLFs and binary bytes.
  const tricky = Buffer.concat([
    Buffer.from('line 1\r\n------X-boundary-4\r\n--'),
    Buffer.from([0, 13, 10, 45, 45, 255, 13]),
    Buffer.from('\r\n\r\nend'),
  ]);
  const { body } = multipart(
    [
      { name: 'file', value: tricky, filename: 'data.bin' },
      { name: 'purpose', value: 'batch' },
    ],
    boundary,
  );

  for (const sizes of [[body.length], [1], [2, 3, 5, 7], [17], [boundary.length + 3], [64, 1]]) {
    it(`splits anywhere (chunk sizes ${sizes.join(',')})`, async () => {
      const parts = await parseAll(body, boundary, sizes);
      expect(parts.get('file')!.data.equals(tricky)).toBe(true);
      expect(parts.get('file')!.filename).toBe('data.bin');
      expect(parts.get('purpose')!.data.toString()).toBe('batch');
    });
  }

  it('rejects a body without the closing boundary', async () => {
    await expect(parseAll(body.subarray(0, body.length - 10), boundary, [50])).rejects.toMatchObject({ status: 400 });
  });

  it('reads the boundary from the Content-Type', () => {
    expect(multipartBoundary('multipart/form-data; boundary=abc')).toBe('abc');
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe('a b');
    expect(multipartBoundary('application/json')).toBeNull();
    expect(multipartBoundary(undefined)).toBeNull();
  });
});
