/**
 * The mock server as a pinned child process for the mock benchmarks (bench/mock.ts,
 * bench/mock-history.ts). Run directly (`tsx bench/mock-child.ts '<options JSON>' [sampleMs]`)
 * it starts the mock with those options, prints its URL, and on each SIGUSR2 prints one JSON
 * line `{"cpu":µs,"rss":bytes,"peakRss":bytes}` (peak since the previous probe, sampled every
 * sampleMs when given), then resets the peak.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

export const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The command line that runs `command args` on one CPU (unpinned without taskset). */
export const pinned = (cpu: number, command: string, args: string[]): [string, string[]] =>
  hasTaskset ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];

export interface Probe {
  /** CPU time so far (user + system), µs. */
  cpu: number;
  rss: number;
  /** Highest RSS seen since the previous probe (the current RSS without sampling). */
  peakRss: number;
}

export interface ServerChild {
  child: ChildProcess;
  url: string;
  probe(): Promise<Probe>;
  stop(): Promise<void>;
}

/** Starts the mock in a child pinned to `cpu`; resolves once it prints its URL. */
export async function startServerChild(options: Record<string, unknown>, cpu = 0, sampleMs = 0): Promise<ServerChild> {
  // taskset execs node, so the child pid is the server's pid.
  const [command, args] = pinned(cpu, process.execPath, ['--import', 'tsx', SELF, JSON.stringify(options), String(sampleMs)]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  let exited: Error | null = null;
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code, signal) => {
    exited = new Error(`mock server child exited (code ${code}, signal ${signal})`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const nextLine = (): Promise<string> => new Promise((resolve, reject) => (exited ? reject(exited) : waiting.push({ resolve, reject })));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const url = (await nextLine()).trim();
  clearTimeout(timeout);
  if (!url.startsWith('http://')) throw new Error(`mock server child did not start: ${url}`);
  return {
    child,
    url,
    async probe() {
      const line = nextLine();
      child.kill('SIGUSR2');
      return JSON.parse(await line) as Probe;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await done;
    },
  };
}

async function serve(optionsJson: string, sampleMs: number): Promise<void> {
  const { startMockServer } = await import('../src/mock/index.js');
  const server = await startMockServer({ port: 0, ...(JSON.parse(optionsJson) as Record<string, unknown>) });
  let peak = process.memoryUsage.rss();
  if (sampleMs > 0) setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), sampleMs).unref();
  // Handlers go in before the URL is printed: the parent may probe as soon as it reads it, and an
  // unhandled SIGUSR2 would kill this process.
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage();
    const rss = process.memoryUsage.rss();
    process.stdout.write(`${JSON.stringify({ cpu: user + system, rss, peakRss: Math.max(peak, rss) })}\n`);
    peak = rss;
  });
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${server.url}\n`);
}

if (process.argv[1] === SELF) await serve(process.argv[2] ?? '{}', Number(process.argv[3] ?? 0));
