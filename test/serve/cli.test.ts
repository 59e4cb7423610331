/** `batch-load serve` as the CLI runs it: token required, one listening line, clean shutdown. */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { runServe } from '../../src/cli/serve-command.js';
import { TOKEN, waitFor } from './helpers.js';

function capture(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(w, { text: () => chunks.join('') });
}

function io(env: Record<string, string>, signal?: AbortSignal) {
  const stdout = capture();
  const stderr = capture();
  const value: CliIO = { stdout, stderr, env, cwd: process.cwd(), signal };
  return { io: value, stdout, stderr };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const argv = (port: number) => ({ port, bind: '127.0.0.1', maxConcurrentRuns: 1, history: 50 });

describe('batch-load serve', () => {
  it('refuses to start without LOAD_TEST_BEARER_TOKEN: one line, exit 2, nothing listening', async () => {
    const port = await freePort();
    const envs: Array<Record<string, string>> = [{}, { LOAD_TEST_BEARER_TOKEN: '' }, { LOAD_TEST_BEARER_TOKEN: '   ' }];
    for (const env of envs) {
      const c = io(env, AbortSignal.abort());
      expect(await runServe(argv(port), c.io)).toBe(2);
      const lines = c.stderr.text().trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^batch-load serve: LOAD_TEST_BEARER_TOKEN is not set/);
      expect(c.stdout.text()).toBe('');
    }
    await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  });

  it('rejects a bad port with exit 2, and a port in use with exit 3', async () => {
    const bad = io({ LOAD_TEST_BEARER_TOKEN: TOKEN }, AbortSignal.abort());
    expect(await runServe({ ...argv(0), port: 70000 }, bad.io)).toBe(2);
    expect(bad.stderr.text()).toMatch(/--port/);

    const holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', () => r()));
    const taken = (holder.address() as { port: number }).port;
    const busy = io({ LOAD_TEST_BEARER_TOKEN: TOKEN }, AbortSignal.abort());
    expect(await runServe(argv(taken), busy.io)).toBe(3);
    expect(busy.stderr.text()).toMatch(/could not listen/);
    await new Promise<void>((r) => holder.close(() => r()));
  });

  it('prints one listening line, serves, and on the signal stops the running run and exits 0', async () => {
    const controller = new AbortController();
    const c = io({ LOAD_TEST_BEARER_TOKEN: TOKEN }, controller.signal);
    const exit = runServe(argv(0), c.io);
    const url = await waitFor(async () => /^batch-load serve listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(c.stdout.text())?.[1]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const started = await fetch(`${url}/run-load-tests/chat?async=true`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ duration_seconds: 60, wait_min: 0, wait_max: 0 }),
    });
    expect(started.status).toBe(202);
    const { run_id: runId } = (await started.json()) as { run_id: string };
    await waitFor(async () => {
      const s = (await (await fetch(`${url}/runs/${runId}`, { headers: auth })).json()) as { progress: { requests: number } };
      return s.progress.requests > 0 ? true : undefined;
    });
    controller.abort();
    expect(await exit).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    const log = c.stderr.text();
    expect(log).toContain(`run ${runId}: chat stopped`);
    expect(log).toContain(`run ${runId}: stopped`);
    expect(c.stdout.text().split('\n').filter(Boolean)).toHaveLength(1);
    expect(log + c.stdout.text()).not.toContain(TOKEN);
  });
});
