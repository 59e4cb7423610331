import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { streamUpload } from './stream-upload.js';

const MB = 1024 * 1024;

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
      const response = await streamUpload(url, 100 * MB);
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
