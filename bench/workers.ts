/**
 * `npm run bench:workers`: does a second worker process add load, and what does coordination cost?
 *
 * A cheap target (canned `200 ok` responses without HTTP parsing, a few µs of CPU per request;
 * `--target http` for a node:http server) runs in a child. Against it, closed loop (no think time, `--users` users), each
 * for `--duration` seconds, interleaved `--runs` times:
 *   single       batch-load's engine in one process (runLoadTest, as without --workers)
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
 * Options: --duration 10 --runs 3 --users 64 --target raw|http
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

/**
 * The cheap target: answers every request on a connection with a canned `200 ok`, counting
 * request ends (`\r\n\r\n`: GETs have no body) without parsing HTTP, a few µs per request, so
 * the generators, not the target, are what the two cores are spent on (`--target http`: a
 * node:http server instead, which costs about as much per request as the generator does).
 * Prints its URL, then its CPU (µs) for each line on stdin.
 */
async function target(kind: string): Promise<void> {
  let port: number;
  if (kind === 'http') {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  } else {
    const { createServer } = await import('node:net');
    const response = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok';
    const server = createServer((socket) => {
      let carry = '';
      socket.setNoDelay(true);
      socket.on('data', (chunk: Buffer) => {
        const text = carry + chunk.toString('latin1');
        let n = 0;
        let end = 0;
        for (let i = text.indexOf('\r\n\r\n'); i !== -1; i = text.indexOf('\r\n\r\n', end)) {
          n++;
          end = i + 4;
        }
        carry = text.slice(end);
        if (n > 0) socket.write(n === 1 ? response : response.repeat(n));
      });
      socket.on('error', () => socket.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  }
  process.stdout.write(`http://127.0.0.1:${port}\n`);
  createInterface({ input: process.stdin }).on('line', () => {
    const u = process.cpuUsage();
    process.stdout.write(`${u.user + u.system}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

/** One process, the engine called directly: its CPU over the load (module loading excluded). */
async function singleChild(url: string, seconds: number, users: number): Promise<void> {
  const { loadRunConfig } = await import('../src/config/load.js');
  const { runLoadTest } = await import('../src/engine/runner.js');
  const config = await loadRunConfig({ host: url, scenario: 'health', users, spawnRate: users, runTime: `${seconds}s`, waitMin: '0', waitMax: '0', defaultThresholds: false });
  let before = process.cpuUsage();
  const result = await runLoadTest(config, { beforeLoad: async () => void (before = process.cpuUsage()) });
  const cpu = process.cpuUsage(before);
  const m = result.metrics;
  process.stdout.write(`${JSON.stringify({ requests: m.aggregated.count, seconds: m.elapsedSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, failures: m.aggregated.failures })}\n`);
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

async function startTarget(kind: string) {
  const [cmd, args] = pinned(['--import', 'tsx', SELF, '--serve-target', kind]);
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const url = String((await lines.next()).value);
  const cpu = async () => {
    child.stdin!.write('cpu\n');
    return Number((await lines.next()).value);
  };
  return { url, cpu, stop: () => child.kill('SIGTERM') };
}

async function runBatchLoad(url: string, workers: number, seconds: number, users: number, dir: string): Promise<Omit<Measure, 'config' | 'targetCpuUsPerReq'>> {
  const json = join(dir, `r-${workers}-${Date.now()}.json`);
  const args = ['--import', 'tsx', 'src/cli/bin.ts', '--host', url, '--scenario', 'health', '-u', String(users), '-r', String(users), '-t', `${seconds}s`,
    '--wait-min', '0', '--wait-max', '0', '--only-summary', '--no-default-thresholds', '--json', json, '--workers', String(workers)];
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
  // the load's seconds: the workers' (side by side)
  const seconds2 = Math.max(...r.workers!.map((w) => w.elapsedSeconds));
  const workerCpu = r.workers!.reduce((n, w) => n + (w.cpuSeconds ?? 0), 0);
  return {
    rps: requests / seconds2,
    requests,
    failures: r.metrics.aggregated.failures,
    workerCpuUsPerReq: (workerCpu * 1e6) / requests,
    ...(r.coordinator ? { coordinatorCpuUsPerReq: (r.coordinator.cpuSeconds * 1e6) / requests } : {}),
  };
}

/** A child of this script (`--single` or `--autocannon`) that prints one JSON line of figures. */
async function runChild(mode: string, url: string, seconds: number, connections: number) {
  const [cmd, args] = pinned(['--import', 'tsx', SELF, mode, url, String(seconds), String(connections)]);
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
  const kind = process.argv.includes('--target') ? process.argv[process.argv.indexOf('--target') + 1]! : 'raw';
  const t = await startTarget(kind);
  const results: Measure[] = [];
  const configs: Array<[string, () => Promise<Omit<Measure, 'config' | 'targetCpuUsPerReq'>>]> = [
    ['single', () => runChild('--single', t.url, seconds, users)],
    ['workers 1', () => runBatchLoad(t.url, 1, seconds, users, dir)],
    ['workers 2', () => runBatchLoad(t.url, 2, seconds, users, dir)],
    ['autocannon', () => runChild('--autocannon', t.url, seconds, users)],
  ];
  process.stdout.write(`${cores} cores; cheap target (${kind === 'http' ? 'node:http' : 'canned responses, no HTTP parsing'}); closed loop, ${users} users, ${seconds}s per run, ${runs} interleaved runs\n`);
  try {
    for (let run = 1; run <= runs; run++) {
      for (const [config, fn] of configs) {
        const before = await t.cpu();
        const m = await fn();
        const targetUs = (await t.cpu()) - before;
        const row = { config, ...m, targetCpuUsPerReq: targetUs / m.requests };
        results.push(row);
        process.stdout.write(
          `run ${run} ${config.padEnd(10)} ${m.rps.toFixed(0).padStart(6)} req/s${Number.isNaN(m.workerCpuUsPerReq) ? '' : `  generator ${m.workerCpuUsPerReq.toFixed(1)} µs/req`}` +
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

if (process.argv.includes('--serve-target')) await target(process.argv[process.argv.indexOf('--serve-target') + 1]!);
else if (process.argv.includes('--autocannon') || process.argv.includes('--single')) {
  const mode = process.argv.includes('--single') ? '--single' : '--autocannon';
  const i = process.argv.indexOf(mode);
  const [url, seconds, n] = [process.argv[i + 1]!, Number(process.argv[i + 2]), Number(process.argv[i + 3])];
  await (mode === '--single' ? singleChild(url, seconds, n) : autocannonChild(url, seconds, n));
} else await main();
