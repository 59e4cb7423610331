/**
 * `npm run bench:workers`: does a second worker process add load, and what does coordination cost?
 *
 * A cheap target (a bare node:http server answering GET /health with 2 bytes, a few µs of CPU
 * per request) runs in a child. Against it, closed loop (no think time, `--users` users), each
 * for `--duration` seconds, interleaved `--runs` times:
 *   single       batch-load, one process (no --workers)
 *   workers 1    batch-load --workers 1 (a coordinator + one worker process)
 *   workers 2    batch-load --workers 2
 *   autocannon   the peer, one process, as many connections, same route
 * Throughput = requests / load seconds from each run's JSON report (start-up excluded). CPU per
 * request: the workers' and the coordinator's CPU from the common start (in the JSON), the
 * target's from its own process.cpuUsage(). Coordination overhead = coordinator CPU / workers'.
 *
 * Pinning: every process may use every core (`taskset -c 0-<n-1>`): the point is whether two
 * workers use two cores. On a 2-core machine the target shares those cores, so the workers-2 /
 * workers-1 ratio is bounded by the target's share (roughly 2·G / (G + T) for generator and target
 * CPU G and T per request); the CPU per request shows whether workers stay as efficient as one
 * process, which is what scaling on machines with cores to spare depends on.
 *
 * Options: --duration 10 --runs 3 --users 64
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

// ---- children ----------------------------------------------------------------------------

/** The cheap target: 200 "ok" to every request; prints its URL, and its CPU (µs) on each stdin line. */
async function target(): Promise<void> {
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
  createInterface({ input: process.stdin }).on('line', () => {
    const u = process.cpuUsage();
    process.stdout.write(`${u.user + u.system}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

async function autocannonChild(url: string, seconds: number, connections: number): Promise<void> {
  const autocannon = createRequire(join(ROOT, 'package.json'))('autocannon') as (o: Record<string, unknown>) => Promise<{ requests: { total: number }; errors: number; non2xx: number }>;
  const before = process.cpuUsage();
  const t = performance.now();
  const r = await autocannon({ url: `${url}/health`, connections, duration: seconds });
  const cpu = process.cpuUsage(before);
  process.stdout.write(`${JSON.stringify({ requests: r.requests.total, seconds: (performance.now() - t) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6, failures: r.errors + r.non2xx })}\n`);
}

// ---- driver ------------------------------------------------------------------------------

const cores = availableParallelism();
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pinned = (args: string[]): [string, string[]] => (hasTaskset ? ['taskset', ['-c', `0-${cores - 1}`, process.execPath, ...args]] : [process.execPath, args]);

interface Measure {
  config: string;
  rps: number;
  requests: number;
  failures: number;
  workerCpuUsPerReq: number;
  coordinatorCpuUsPerReq?: number;
  targetCpuUsPerReq: number;
}

async function startTarget() {
  const [cmd, args] = pinned(['--import', 'tsx', SELF, '--target']);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const url = String((await lines.next()).value);
  const cpu = async () => {
    child.stdin!.write('cpu\n');
    return Number((await lines.next()).value);
  };
  return { url, cpu, stop: () => child.kill('SIGTERM') };
}

async function runBatchLoad(url: string, workers: number | undefined, seconds: number, users: number, dir: string): Promise<Omit<Measure, 'config' | 'targetCpuUsPerReq'>> {
  const json = join(dir, `r-${workers ?? 0}-${Date.now()}.json`);
  const args = ['--import', 'tsx', 'src/cli/bin.ts', '--host', url, '--scenario', 'health', '-u', String(users), '-r', String(users), '-t', `${seconds}s`,
    '--wait-min', '0', '--wait-max', '0', '--only-summary', '--no-default-thresholds', '--json', json, ...(workers ? ['--workers', String(workers)] : [])];
  const [cmd, a] = pinned(args);
  const child = spawn(cmd, a, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`batch-load exited ${code}`);
  const r = JSON.parse(readFileSync(json, 'utf8')) as {
    metrics: { aggregated: { count: number; failures: number }; elapsedSeconds: number };
    workers?: Array<{ cpuSeconds?: number; requests: number; elapsedSeconds: number }>;
    coordinator?: { cpuSeconds: number };
  };
  const requests = r.metrics.aggregated.count;
  // the load's seconds: the workers' (side by side), else the run's
  const seconds2 = r.workers ? Math.max(...r.workers.map((w) => w.elapsedSeconds)) : r.metrics.elapsedSeconds;
  const workerCpu = r.workers ? r.workers.reduce((n, w) => n + (w.cpuSeconds ?? 0), 0) : Number.NaN;
  return {
    rps: requests / seconds2,
    requests,
    failures: r.metrics.aggregated.failures,
    workerCpuUsPerReq: (workerCpu * 1e6) / requests,
    ...(r.coordinator ? { coordinatorCpuUsPerReq: (r.coordinator.cpuSeconds * 1e6) / requests } : {}),
  };
}

async function runAutocannon(url: string, seconds: number, connections: number) {
  const [cmd, args] = pinned(['--import', 'tsx', SELF, '--autocannon', url, String(seconds), String(connections)]);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await once(child, 'exit');
  const r = JSON.parse(out.trim().split('\n').pop()!) as { requests: number; seconds: number; cpuSeconds: number; failures: number };
  return { rps: r.requests / r.seconds, requests: r.requests, failures: r.failures, workerCpuUsPerReq: (r.cpuSeconds * 1e6) / r.requests };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const seconds = flag('duration', 10);
  const runs = flag('runs', 3);
  const users = flag('users', 64);
  if (!hasTaskset) process.stderr.write('warning: taskset not available, processes are not pinned\n');
  const dir = mkdtempSync(join(tmpdir(), 'bench-workers-'));
  const t = await startTarget();
  const results: Measure[] = [];
  const configs: Array<[string, () => Promise<Omit<Measure, 'config' | 'targetCpuUsPerReq'>>]> = [
    ['single', () => runBatchLoad(t.url, undefined, seconds, users, dir)],
    ['workers 1', () => runBatchLoad(t.url, 1, seconds, users, dir)],
    ['workers 2', () => runBatchLoad(t.url, 2, seconds, users, dir)],
    ['autocannon', () => runAutocannon(t.url, seconds, users)],
  ];
  process.stdout.write(`${cores} cores; cheap target (node:http, 2-byte body); closed loop, ${users} users, ${seconds}s per run, ${runs} interleaved runs\n`);
  try {
    for (let run = 1; run <= runs; run++) {
      for (const [config, fn] of configs) {
        const before = await t.cpu();
        const m = await fn();
        const targetUs = (await t.cpu()) - before;
        const row = { config, ...m, targetCpuUsPerReq: targetUs / m.requests };
        results.push(row);
        process.stdout.write(
          `run ${run} ${config.padEnd(10)} ${m.rps.toFixed(0).padStart(6)} req/s  generator ${m.workerCpuUsPerReq.toFixed(1)} µs/req` +
            `${m.coordinatorCpuUsPerReq !== undefined ? `  coordinator ${m.coordinatorCpuUsPerReq.toFixed(2)} µs/req` : ''}  target ${row.targetCpuUsPerReq.toFixed(1)} µs/req  failures ${m.failures}\n`,
        );
      }
    }
  } finally {
    t.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const of = (c: string) => results.filter((r) => r.config === c);
  const med = (c: string, k: keyof Measure) => median(of(c).map((r) => r[k] as number));
  process.stdout.write('\nmedians\n');
  for (const [c] of configs) {
    const coord = c.startsWith('workers') ? `  coordinator ${med(c, 'coordinatorCpuUsPerReq').toFixed(2)} µs/req (${((100 * med(c, 'coordinatorCpuUsPerReq')) / med(c, 'workerCpuUsPerReq')).toFixed(1)} % of the workers')` : '';
    const gen = Number.isNaN(med(c, 'workerCpuUsPerReq')) ? '' : `  generator ${med(c, 'workerCpuUsPerReq').toFixed(1)} µs/req`;
    process.stdout.write(`  ${c.padEnd(10)} ${med(c, 'rps').toFixed(0).padStart(6)} req/s${gen}${coord}  target ${med(c, 'targetCpuUsPerReq').toFixed(1)} µs/req\n`);
  }
  const ratios = Array.from({ length: runs }, (_, i) => of('workers 2')[i]!.rps / of('workers 1')[i]!.rps);
  const vsSingle = Array.from({ length: runs }, (_, i) => of('workers 1')[i]!.rps / of('single')[i]!.rps);
  const vsPeer = Array.from({ length: runs }, (_, i) => of('single')[i]!.rps / of('autocannon')[i]!.rps);
  process.stdout.write(`workers 2 / workers 1 throughput: median ${median(ratios).toFixed(2)}× (runs: ${ratios.map((r) => r.toFixed(2)).join(', ')})\n`);
  process.stdout.write(`workers 1 / single process: median ${median(vsSingle).toFixed(2)}×; single process / autocannon: median ${median(vsPeer).toFixed(2)}×\n`);
  const g = med('workers 1', 'workerCpuUsPerReq');
  const tt = med('workers 1', 'targetCpuUsPerReq');
  process.stdout.write(`bound on ${cores} shared cores for generator G=${g.toFixed(1)} and target T=${tt.toFixed(1)} µs/req: 2·G/(G+T) = ${((2 * g) / (g + tt)).toFixed(2)}×\n`);
}

if (process.argv.includes('--target')) await target();
else if (process.argv.includes('--autocannon')) {
  const i = process.argv.indexOf('--autocannon');
  await autocannonChild(process.argv[i + 1]!, Number(process.argv[i + 2]), Number(process.argv[i + 3]));
} else await main();
