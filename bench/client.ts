/**
 * `npm run bench:client`: client-side CPU cost per request, batch-load vs autocannon.
 *
 * The mock (zero latency, no auth) runs in a child pinned to CPU 0. Then, each in its own child
 * pinned to CPU 1, at the same fixed arrival rate against the same route:
 *   (a) autocannon (programmatic, overallRate) sending a fixed non-streaming chat body;
 *   (b) batch-load's engine (runLoadTest, open model --rate) running the chat scenario: fresh
 *       UUID per body, JSON parse + response checks, HdrHistogram recording, token metrics.
 * Each child measures process.cpuUsage() (user + system, all threads) around the run only
 * (module loading and tsx transpiling excluded) and divides by completed requests.
 *
 * A third child, "undici", is the transport floor (bare undici.request, nothing checked or
 * recorded); skip it with --no-floor.
 *
 * Note on autocannon's -R: it is a per-connection budget per second (each connection sends back
 * to back until it has made rate/connections requests, then idles until the next second), so
 * its work comes in batches; batch-load's open model spaces starts evenly (one every 0.2 ms at
 * 5,000/s), which wakes the event loop per request and costs more CPU per request. --closed
 * compares both tools closed-loop on the same sockets, where both batch alike.
 *
 * Options: --rate 5000 --duration 20 --connections 64 --runs 1 [--no-floor] [--closed]
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
/** The ratio to autocannon we aim for: closed loop 1.5×; at a fixed rate 2.0× (autocannon's -R batches its work). */
const TARGET = process.argv.includes('--closed') ? 1.5 : 2.0;

interface ChildResult {
  tool: string;
  cpuMicros: number;
  /** kernel share of cpuMicros */
  systemMicros?: number;
  requests: number;
  failures: number;
  seconds: number;
  /** ms */
  p50: number;
  p99: number;
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? Number.NaN : Number(process.argv[i + 1]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1 || !process.argv[i + 1]) throw new Error(`missing --${name}`);
  return process.argv[i + 1]!;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const systemNow = (): number => process.cpuUsage().system;

/** The body both tools send: batch-load's own chat body (autocannon's keeps one fixed UUID). */
async function chatBodyText(): Promise<string> {
  const { chatBody, defaultPayload } = await import('../src/scenarios/online/payloads.js');
  return chatBody(defaultPayload(), false).render();
}

// ---- children ----------------------------------------------------------------------------

async function serve(): Promise<void> {
  const { startMockServer } = await import('../src/mock/index.js');
  const server = await startMockServer({ port: 0, host: '127.0.0.1', auth: { noAuth: true }, latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 } });
  process.stdout.write(`${server.url}\n`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function autocannonChild(): Promise<void> {
  const { createRequire } = await import('node:module');
  const autocannon = createRequire(join(ROOT, 'package.json'))('autocannon') as (
    opts: Record<string, unknown>,
  ) => Promise<{ requests: { total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number; timeouts: number; duration: number }>;
  const body = await chatBodyText();
  const url = `${arg('url')}/v1/chat/completions`;
  const cpu0 = cpuNow();
  const sys0 = systemNow();
  const closed = process.argv.includes('--closed');
  const r = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body,
    connections: flag('connections', 64),
    duration: flag('duration', 20),
    ...(closed ? {} : { overallRate: flag('rate', 5000) }),
  });
  const cpu = cpuNow() - cpu0;
  const out: ChildResult = {
    tool: 'autocannon',
    cpuMicros: cpu,
    systemMicros: systemNow() - sys0,
    requests: r.requests.total,
    failures: r.non2xx + r.errors + r.timeouts,
    seconds: r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

async function batchLoadChild(): Promise<void> {
  const { resolveRunConfig } = await import('../src/config/resolve.js');
  const { runLoadTest } = await import('../src/engine/runner.js');
  const connections = flag('connections', 64);
  const closed = process.argv.includes('--closed');
  const config = resolveRunConfig({
    host: arg('url'),
    scenario: 'chat',
    // closed: `connections` users back to back, no think time (autocannon without -R)
    ...(closed ? { users: connections, spawnRate: 1_000_000, waitMin: 0, waitMax: 0 } : { rate: flag('rate', 5000) }),
    runTime: `${flag('duration', 20)}s`,
    // the open model's in-flight cap: above the socket count, so a slow moment queues on the
    // pool (as autocannon's requests wait for a free connection) instead of dropping iterations
    ...(closed ? {} : { users: connections * 4 }),
    connections,
    apiKey: 'bench',
    defaultThresholds: false,
    progressInterval: '60s',
    onlySummary: true,
  });
  // from the start of the load: the warm start before it (a JIT warm-up on a loopback server of
  // its own, the connects) is set-up, like module loading, and sends no counted request
  let cpu0 = cpuNow();
  let sys0 = systemNow();
  const result = await runLoadTest(config, {
    onStart: () => {
      cpu0 = cpuNow();
      sys0 = systemNow();
    },
  });
  const cpu = cpuNow() - cpu0;
  const system = systemNow() - sys0;
  const agg = result.metrics.aggregated;
  const out: ChildResult = {
    tool: 'batch-load',
    cpuMicros: cpu,
    systemMicros: system,
    requests: agg.count,
    failures: agg.failures,
    seconds: result.metrics.elapsedSeconds,
    p50: agg.p50,
    p99: agg.p99,
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

/**
 * The transport floor: bare undici.request at the same rate and sockets, body parsed with
 * body.json(), nothing checked or recorded. Shows how much of batch-load's cost is undici's.
 */
async function undiciFloorChild(): Promise<void> {
  const { Agent, request } = await import('undici');
  const body = await chatBodyText();
  const url = `${arg('url')}/v1/chat/completions`;
  const rate = flag('rate', 5000);
  const seconds = flag('duration', 20);
  const dispatcher = new Agent({ connections: flag('connections', 64) });
  const headers = { 'content-type': 'application/json', authorization: 'Bearer bench' };
  let done = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const cpu0 = cpuNow();
  const start = performance.now();
  let due = 0;
  const closed = process.argv.includes('--closed');
  const send = (): Promise<void> =>
    request(url, { method: 'POST', headers, body, dispatcher }).then(async (r) => {
      await r.body.json();
      if (r.statusCode === 200) done++;
      else failed++;
    });
  if (closed) {
    const connections = flag('connections', 64);
    const worker = async () => {
      while (performance.now() - start < seconds * 1000) await send().catch(() => void failed++);
    };
    await Promise.all(Array.from({ length: connections }, worker));
  }
  while (!closed && performance.now() - start < seconds * 1000) {
    const now = performance.now();
    for (; start + (due * 1000) / rate <= now; due++) {
      const p: Promise<void> = send()
        .catch(() => void failed++)
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  const cpu = cpuNow() - cpu0;
  const out: ChildResult = {
    tool: 'undici',
    cpuMicros: cpu,
    requests: done + failed,
    failures: failed,
    seconds: (performance.now() - start) / 1000,
    p50: Number.NaN,
    p99: Number.NaN,
  };
  await dispatcher.close();
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

// ---- orchestration -----------------------------------------------------------------------

const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;
const pinned = (cpu: number, args: string[]): [string, string[]] =>
  hasTaskset ? ['taskset', ['-c', String(cpu), process.execPath, ...args]] : [process.execPath, args];

async function startServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const [command, args] = pinned(0, ['--import', 'tsx', SELF, '--serve']);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const timeout = setTimeout(() => child.kill('SIGKILL'), 30_000);
  for await (const line of createInterface({ input: child.stdout! })) {
    if (!line.startsWith('http://')) continue;
    clearTimeout(timeout);
    return {
      url: line.trim(),
      stop: async () => {
        child.kill('SIGTERM');
        if (child.exitCode === null) await once(child, 'exit');
      },
    };
  }
  throw new Error('mock server child exited before listening');
}

async function runChild(mode: string, url: string): Promise<ChildResult> {
  const pass = ['rate', 'duration', 'connections'].flatMap((n) => [`--${n}`, String(flag(n, n === 'rate' ? 5000 : n === 'duration' ? 20 : 64))]);
  if (process.argv.includes('--closed')) pass.push('--closed');
  const [command, args] = pinned(1, ['--import', 'tsx', SELF, mode, '--url', url, ...pass]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let result: ChildResult | undefined;
  for await (const line of createInterface({ input: child.stdout! })) {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as ChildResult;
  }
  if (child.exitCode === null) await once(child, 'exit');
  if (!result) throw new Error(`${mode} child printed no result`);
  return result;
}

const perRequest = (r: ChildResult): number => (r.requests > 0 ? r.cpuMicros / r.requests : Number.NaN);

function line(r: ChildResult): string {
  return (
    `${r.tool.padEnd(11)} ${String(r.requests).padStart(7)} req in ${r.seconds.toFixed(1)} s ` +
    `(${Math.round(r.requests / r.seconds)} req/s, ${r.failures} failed)  ` +
    (!Number.isFinite(r.p50) ? '' : `latency p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms  `) +
    `CPU ${(r.cpuMicros / 1e6).toFixed(2)} s = ${perRequest(r).toFixed(1)} µs/request` +
    (r.systemMicros === undefined ? '' : ` (${(r.systemMicros / r.requests).toFixed(1)} in the kernel)`)
  );
}

async function main(): Promise<void> {
  const rate = flag('rate', 5000);
  const duration = flag('duration', 20);
  const connections = flag('connections', 64);
  const runs = flag('runs', 1);
  const withFloor = !process.argv.includes('--no-floor');
  if (!hasTaskset) process.stderr.write('warning: taskset not available, processes are not pinned\n');
  const server = await startServer();
  const ratios: number[] = [];
  try {
    const closed = process.argv.includes('--closed');
    process.stdout.write(
      `bench:client  POST /v1/chat/completions non-streaming ${closed ? 'closed loop (as fast as each connection goes)' : `at ${rate} req/s`} for ${duration} s, ${connections} connections\n` +
        `mock pinned to CPU 0 (zero latency, no auth); each client pinned to CPU 1\n`,
    );
    for (let i = 0; i < runs; i++) {
      const ac = await runChild('--autocannon', server.url);
      process.stdout.write(`${line(ac)}\n`);
      const bl = await runChild('--batch-load', server.url);
      process.stdout.write(`${line(bl)}\n`);
      if (withFloor) process.stdout.write(`${line(await runChild('--undici-floor', server.url))}\n`);
      const ratio = perRequest(bl) / perRequest(ac);
      ratios.push(ratio);
      process.stdout.write(`run ${i + 1}: batch-load / autocannon CPU per request = ${ratio.toFixed(2)}× (target ≤ ${TARGET}×)\n`);
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    process.stdout.write(`median ratio ${median.toFixed(2)}× ${median <= TARGET ? '(within target)' : `(ABOVE target ${TARGET}×)`}\n`);
  } finally {
    await server.stop();
  }
}

if (process.argv.includes('--serve')) await serve();
else if (process.argv.includes('--autocannon')) await autocannonChild();
else if (process.argv.includes('--batch-load')) await batchLoadChild();
else if (process.argv.includes('--undici-floor')) await undiciFloorChild();
else await main();
