/**
 * `npm run bench:mock`: non-streaming chat completions per second against the mock server.
 * The server runs in a child process pinned to CPU 0 (zero latency model, auth off); autocannon
 * runs in another child pinned to CPU 1. Prints each run and the median requests/s.
 *
 * The server runs from src/ through tsx: a compiled dist/ build measured the same CPU per request
 * (tsx costs nothing per request once loaded), so the bench does not build first.
 *
 * Options: --runs 3 --duration 10 --connections 64 --pipelining 1
 * (internally, `--serve` starts just the server and prints its URL).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BODY = JSON.stringify({
  model: 'mock-gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say something short.' }],
  max_tokens: 16,
});

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

async function serve(): Promise<void> {
  const { startMockServer } = await import('../src/mock/index.js');
  const server = await startMockServer({
    port: 0,
    auth: { noAuth: true },
    latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 },
  });
  // The parent asks for our CPU time around each run: CPU per request is a steadier figure than
  // requests/s on a shared machine. Handlers go in before the URL is printed: the parent signals as
  // soon as it reads it, and an unhandled SIGUSR2 would kill this process.
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`cpu ${user + system}\n`);
  });
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${server.url}\n`);
}

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pinned = (cpu: number, command: string, args: string[]): [string, string[]] =>
  hasTaskset ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];

interface ServerChild {
  child: ChildProcess;
  url: string;
  /** Server CPU time so far (user + system), in microseconds. */
  cpuMicros(): Promise<number>;
}

async function startServerChild(): Promise<ServerChild> {
  // taskset execs node, so the child pid is the server's pid.
  const [command, args] = pinned(0, process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve']);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<{ resolve: (line: string) => void; reject: (err: Error) => void }> = [];
  let exited: Error | null = null;
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.on('exit', (code, signal) => {
    exited = new Error(`mock server child exited (code ${code}, signal ${signal})`);
    for (const w of waiting.splice(0)) w.reject(exited);
  });
  const nextLine = (): Promise<string> =>
    new Promise((resolve, reject) => (exited ? reject(exited) : waiting.push({ resolve, reject })));
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const url = (await nextLine()).trim();
  clearTimeout(timeout);
  if (!url.startsWith('http://')) throw new Error(`mock server child did not start: ${url}`);
  return {
    child,
    url,
    async cpuMicros() {
      const line = nextLine();
      child.kill('SIGUSR2');
      return Number((await line).split(' ')[1]);
    },
  };
}

interface RunResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  serverCpuMicrosPerRequest: number;
}

async function runAutocannon(url: string, duration: number, connections: number, pipelining: number): Promise<RunResult> {
  const autocannon = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
  const [command, args] = pinned(1, process.execPath, [
    autocannon,
    '-c', String(connections),
    '-p', String(pipelining),
    '-d', String(duration),
    '-m', 'POST',
    '-H', 'content-type=application/json',
    '-b', BODY,
    '--json',
    `${url}/v1/chat/completions`,
  ]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await once(child, 'exit');
  const result = JSON.parse(out) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.requests.total,
    serverCpuMicrosPerRequest: 0,
  };
}

async function main(): Promise<void> {
  const runs = flag('runs', 3);
  const duration = flag('duration', 10);
  const connections = flag('connections', 64);
  const pipelining = flag('pipelining', 1);
  if (!hasTaskset) process.stderr.write('warning: taskset not available, processes are not pinned\n');
  const server = await startServerChild();
  const { child, url } = server;
  try {
    process.stdout.write(
      `bench:mock  POST /v1/chat/completions (non-streaming, max_tokens 16, zero latency, no auth)\n` +
        `server pinned to CPU 0, autocannon to CPU 1; ${connections} connections, pipelining ${pipelining}, ${runs} × ${duration}s\n`,
    );
    const results: RunResult[] = [];
    for (let i = 0; i < runs; i++) {
      const cpuBefore = await server.cpuMicros();
      const r = await runAutocannon(url, duration, connections, pipelining);
      const cpuPerRequest = (await server.cpuMicros()) - cpuBefore;
      r.serverCpuMicrosPerRequest = r.total > 0 ? cpuPerRequest / r.total : 0;
      results.push(r);
      process.stdout.write(
        `run ${i + 1}: ${Math.round(r.requestsPerSecond)} req/s  latency p50 ${r.p50} ms p99 ${r.p99} ms  ` +
          `(${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors; ` +
          `server CPU ${r.serverCpuMicrosPerRequest.toFixed(1)} µs/request)\n`,
      );
    }
    const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const rps = median(results.map((r) => r.requestsPerSecond));
    const cpu = median(results.map((r) => r.serverCpuMicrosPerRequest));
    process.stdout.write(
      `median: ${Math.round(rps)} req/s (target >= 30000); server CPU ${cpu.toFixed(1)} µs/request ` +
        `= capacity ~${Math.round(1e6 / cpu)} req/s on one dedicated core\n`,
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
