import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MB = 1024 * 1024;

/** Streams `total` bytes as the file part of a multipart upload, from one reused 64 KB chunk. */
function upload(url: string, total: number): Promise<{ status: number; body: string }> {
  const boundary = 'rss-test-boundary';
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

describe('large uploads', () => {
  it('streams a 100 MB upload to disk: the server RSS grows by less than 50 MB', async () => {
    // The server runs alone in a child process, so only its memory is measured.
    const script = fileURLToPath(new URL('./rss-server.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout });
    const queue: string[] = [];
    const waiters: Array<(line: string) => void> = [];
    lines.on('line', (line) => (waiters.length > 0 ? waiters.shift()!(line) : queue.push(line)));
    const nextLine = (): Promise<string> =>
      queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise((resolve) => waiters.push(resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    try {
      const url = await nextLine();
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await upload(url, 100 * MB);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ bytes: 100 * MB, purpose: 'batch' });
      const report = nextLine();
      child.kill('SIGUSR2');
      const { baseline, peak } = JSON.parse(await report) as { baseline: number; peak: number };
      const growth = (peak - baseline) / MB;
      console.log(`100 MB upload: server RSS grew by ${growth.toFixed(1)} MB`);
      expect(growth).toBeLessThan(50);
    } finally {
      clearTimeout(killer);
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
