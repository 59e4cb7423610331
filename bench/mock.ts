/**
 * `npm run bench:mock`: the mock server's hot paths, measured with the server in a child pinned
 * to CPU 0 and the load generator in a child pinned to CPU 1.
 *
 * Default: non-streaming chat completions per second, autocannon against the mock (zero latency
 * model, auth off). Prints each run and the median requests/s and server CPU per request.
 * Options: --runs 3 --duration 10 --connections 64 --pipelining 1
 *
 * `--upload`: a multipart upload of --mb MB (default 100) streamed from one reused 64 KB chunk,
 * --runs times against a fresh server each; prints the server's RSS growth (peak during the
 * upload − RSS before it, sampled every 5 ms), the upload throughput and the server's CPU time,
 * and their medians.
 *
 * The server runs from src/ through tsx: a compiled dist/ build measured the same CPU per request
 * (tsx costs nothing per request once loaded), so the bench does not build first.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { streamUpload } from '../test/mock/files/stream-upload.js';
import { ROOT, hasTaskset, pinned, startServerChild } from './mock-child.js';

const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;
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

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface RunResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
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
  };
}

async function chatBench(): Promise<void> {
  const runs = flag('runs', 3);
  const duration = flag('duration', 10);
  const connections = flag('connections', 64);
  const pipelining = flag('pipelining', 1);
  const server = await startServerChild({ auth: { noAuth: true }, latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 } });
  try {
    process.stdout.write(
      `bench:mock  POST /v1/chat/completions (non-streaming, max_tokens 16, zero latency, no auth)\n` +
        `server pinned to CPU 0, autocannon to CPU 1; ${connections} connections, pipelining ${pipelining}, ${runs} × ${duration}s\n`,
    );
    const rps: number[] = [];
    const cpus: number[] = [];
    for (let i = 0; i < runs; i++) {
      const before = await server.probe();
      const r = await runAutocannon(server.url, duration, connections, pipelining);
      const cpu = r.total > 0 ? ((await server.probe()).cpu - before.cpu) / r.total : 0;
      rps.push(r.requestsPerSecond);
      cpus.push(cpu);
      process.stdout.write(
        `run ${i + 1}: ${Math.round(r.requestsPerSecond)} req/s  latency p50 ${r.p50} ms p99 ${r.p99} ms  ` +
          `(${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors; server CPU ${cpu.toFixed(1)} µs/request)\n`,
      );
    }
    const cpu = median(cpus);
    process.stdout.write(
      `median: ${Math.round(median(rps))} req/s (target >= 30000); server CPU ${cpu.toFixed(1)} µs/request ` +
        `= capacity ~${Math.round(1e6 / cpu)} req/s on one dedicated core\n`,
    );
  } finally {
    await server.stop();
  }
}

/** Child (pinned to CPU 1): streams one multipart upload of `total` bytes; prints `{"status","ms"}`. */
async function uploadClient(url: string, total: number): Promise<void> {
  const started = performance.now();
  const { status } = await streamUpload(url, total);
  process.stdout.write(`${JSON.stringify({ status, ms: performance.now() - started })}\n`);
}

async function uploadBench(): Promise<void> {
  const runs = flag('runs', 3);
  const mb = flag('mb', 100);
  process.stdout.write(`bench:mock --upload  POST /v1/files, ${mb} MB multipart, server on CPU 0, client on CPU 1, ${runs} runs\n`);
  const growth: number[] = [];
  const speed: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const server = await startServerChild({ auth: { noAuth: true } }, 0, 5);
    try {
      const before = await server.probe();
      const [command, args] = pinned(1, process.execPath, ['--import', 'tsx', SELF, '--upload-client', server.url, String(mb * MB)]);
      const client = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      client.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      await once(client, 'exit');
      const { status, ms } = JSON.parse(out) as { status: number; ms: number };
      if (status !== 200) throw new Error(`upload answered ${status}`);
      const after = await server.probe();
      growth.push((after.peakRss - before.rss) / MB);
      speed.push(mb / (ms / 1000));
      cpuMs.push((after.cpu - before.cpu) / 1000);
      process.stdout.write(
        `run ${i + 1}: server RSS +${growth[i]!.toFixed(1)} MB, ${speed[i]!.toFixed(0)} MB/s (${ms.toFixed(0)} ms), server CPU ${cpuMs[i]!.toFixed(0)} ms\n`,
      );
    } finally {
      await server.stop();
    }
  }
  process.stdout.write(
    `median: server RSS +${median(growth).toFixed(1)} MB, ${median(speed).toFixed(0)} MB/s, server CPU ${median(cpuMs).toFixed(0)} ms\n`,
  );
}

const at = process.argv.indexOf('--upload-client');
if (at !== -1) {
  await uploadClient(process.argv[at + 1]!, Number(process.argv[at + 2]));
} else {
  if (!hasTaskset) process.stderr.write('warning: taskset not available, processes are not pinned\n');
  if (process.argv.includes('--upload')) await uploadBench();
  else await chatBench();
}
