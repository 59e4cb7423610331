import { request } from 'node:http';

/**
 * Streams `total` bytes as the file part of a multipart upload (purpose `batch`), from one reused
 * 64 KB chunk of JSONL, with backpressure: the client holds no more than a chunk in memory.
 * Shared by the 100 MB upload RSS test and `npm run bench:mock -- --upload`.
 */
export function streamUpload(url: string, total: number): Promise<{ status: number; body: string }> {
  const boundary = 'stream-upload-boundary';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nbatch\r\n--${boundary}--\r\n`);
  const line = '{"custom_id":"x","method":"POST","url":"/v1/chat/completions","body":{}}\n';
  const chunk = Buffer.from(line.repeat(Math.ceil((64 * 1024) / line.length)).slice(0, 64 * 1024));
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/files`,
      { method: 'POST', agent: false, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        const piece = total - sent >= chunk.length ? chunk : chunk.subarray(0, total - sent);
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end(tail);
    };
    req.write(head);
    pump();
  });
}
