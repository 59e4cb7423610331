/**
 * Runs the mock server in its own process (as in real use: the tester and the server do not
 * share an event loop). Options come as JSON in argv[2]; prints the URL, stops on SIGTERM.
 * Used by the timing-precision test and bench/client.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MockServerOptions } from '../../../src/mock/index.js';

export interface MockChild {
  url: string;
  child: ChildProcess;
  close(): Promise<void>;
}

/** Starts the mock in a child process, optionally pinned to one CPU with taskset. */
export async function startMockChild(options: MockServerOptions, opts: { cpu?: number; cwd?: string } = {}): Promise<MockChild> {
  const script = fileURLToPath(import.meta.url);
  const args = ['--import', 'tsx', script, JSON.stringify(options)];
  const [command, argv] = opts.cpu === undefined ? [process.execPath, args] : ['taskset', ['-c', String(opts.cpu), process.execPath, ...args]];
  const child = spawn(command, argv, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    if (!line.startsWith('http://')) continue;
    clearTimeout(timeout);
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    return {
      url: line.trim(),
      child,
      close: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000).unref())]);
        if (child.exitCode === null) child.kill('SIGKILL');
      },
    };
  }
  clearTimeout(timeout);
  throw new Error('mock child exited before listening');
}

async function main(): Promise<void> {
  const { startMockServer } = await import('../../../src/mock/index.js');
  const server = await startMockServer(JSON.parse(process.argv[2] ?? '{}') as MockServerOptions);
  process.stdout.write(`${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
