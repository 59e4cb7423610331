/**
 * `npm run bench:arrival`: how exactly the open model holds a requested start rate, at 100,
 * 1,000, 5,000 and 20,000 req/s. AIPerf documents that above ~500 req/s its event-loop timers
 * quantize to ~1 ms and silently under-deliver; batch-load starts every arrival due at each
 * tick with its own intended time, so the achieved rate should hold and the lag stay within a
 * tick.
 *
 * The mock (zero latency, no auth) runs in a child pinned to CPU 0 (bench/mock-child.ts). For each
 * rate, pinned to CPU 1 one after the other:
 *   - `schedule`: the open-model executor alone, its iterations doing nothing: what the
 *     scheduler itself holds (timer quantization, per-start cost), whatever the client and the
 *     server can do;
 *   - `batch-load`: the engine (runLoadTest, chat scenario, `--rate R`, `--arrival
 *     constant|poisson`) against the mock: the whole pipeline;
 *   - autocannon at the same overall rate as the peer (its achieved requests/s; it reports no
 *     schedule lag), and the ratio of completed requests/s batch-load/autocannon.
 * Printed per rate: requested and achieved start rate, achieved/requested, schedule lag p50/p99
 * (actual − intended start), drops, completed req/s.
 *
 * Options: --rates 100,1000,5000,20000 --duration 10 --arrival constant --connections 64 --runs 1 [--no-peer]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { hasTaskset, pinned, ROOT, startServerChild } from './mock-child.js';

const SELF = fileURLToPath(import.meta.url);

interface Result {
  tool: string;
  rate: number;
  requested?: number;
  achieved?: number;
  lagP50?: number;
  lagP99?: number;
  completedPerSecond: number;
  failures: number;
  dropped?: number;
}

function opt(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 || !process.argv[i + 1] ? fallback : process.argv[i + 1]!;
}
const num = (name: string, fallback: number) => {
  const v = Number(opt(name, String(fallback)));
  return Number.isFinite(v) && v > 0 ? v : fallback;
};

async function batchLoadChild(): Promise<void> {
  const { resolveRunConfig } = await import('../src/config/resolve.js');
  const { runLoadTest } = await import('../src/engine/runner.js');
  const rate = num('rate', 1000);
  const config = resolveRunConfig({
    host: opt('url', ''),
    scenario: 'chat',
    rate,
    arrival: opt('arrival', 'constant'),
    seed: 1,
    runTime: `${num('duration', 10)}s`,
    // the in-flight cap well above what the rate needs, so nothing is dropped for want of a worker
    users: Math.max(256, Math.ceil(rate / 5)),
    connections: num('connections', 64),
    apiKey: 'bench',
    defaultThresholds: false,
    progressInterval: '60s',
    onlySummary: true,
  });
  const r = await runLoadTest(config);
  const lag = r.metrics.trends.schedule_lag;
  const out: Result = {
    tool: 'batch-load',
    rate,
    requested: r.schedule?.requestedRate,
    achieved: r.schedule?.achievedRate,
    lagP50: lag?.p50,
    lagP99: lag?.p99,
    completedPerSecond: r.metrics.aggregated.count / (r.schedule?.seconds ?? r.metrics.elapsedSeconds),
    failures: r.metrics.aggregated.failures,
    dropped: r.schedule?.dropped,
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

/** The executor alone: starts at the rate, each iteration an already settled promise. */
async function scheduleChild(): Promise<void> {
  const { resolveRunConfig } = await import('../src/config/resolve.js');
  const { createExecutor } = await import('../src/engine/executors/index.js');
  const { createRandom } = await import('../src/engine/random.js');
  const { MetricsRecorder } = await import('../src/metrics/recorder.js');
  const rate = num('rate', 1000);
  // workers enough for every start of a tick (each is released a microtask later)
  const config = resolveRunConfig({ scenario: 'chat', rate, arrival: opt('arrival', 'constant'), seed: 1, users: Math.ceil(rate / 50) + 100 });
  const recorder = new MetricsRecorder();
  const stop = new AbortController();
  const done = Promise.resolve();
  const executor = createExecutor({
    config,
    state: { activeUsers: 0, iterationsStarted: 0 },
    stopping: stop.signal,
    iterate: () => done,
    recorder,
    random: createRandom(1),
    thinkMs: () => 0,
    onBudgetSpent: () => stop.abort(),
  });
  const running = executor.run();
  setTimeout(() => stop.abort(), num('duration', 10) * 1000);
  await running;
  const s = executor.schedule!();
  const lag = recorder.snapshot().trends.schedule_lag;
  const out: Result = { tool: 'schedule', rate, requested: s.requestedRate, achieved: s.achievedRate, lagP50: lag?.p50, lagP99: lag?.p99, completedPerSecond: s.achievedRate, failures: 0, dropped: s.dropped };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

async function autocannonChild(): Promise<void> {
  const autocannon = createRequire(join(ROOT, 'package.json'))('autocannon') as (o: Record<string, unknown>) => Promise<{ requests: { total: number }; duration: number; non2xx: number; errors: number; timeouts: number }>;
  const { chatBody, defaultPayload } = await import('../src/scenarios/online/payloads.js');
  const rate = num('rate', 1000);
  const r = await autocannon({
    url: `${opt('url', '')}/v1/chat/completions`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: chatBody(defaultPayload(), false).render(),
    connections: Math.min(num('connections', 64), rate),
    duration: num('duration', 10),
    overallRate: rate,
  });
  const out: Result = { tool: 'autocannon', rate, completedPerSecond: r.requests.total / r.duration, failures: r.non2xx + r.errors + r.timeouts };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

async function runChild(mode: string, url: string, rate: number): Promise<Result> {
  const pass = ['duration', 'connections', 'arrival'].flatMap((n) => (process.argv.includes(`--${n}`) ? [`--${n}`, opt(n, '')] : []));
  const [command, args] = pinned(1, process.execPath, ['--import', 'tsx', SELF, mode, '--url', url, '--rate', String(rate), ...pass]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let result: Result | undefined;
  for await (const line of createInterface({ input: child.stdout! })) if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as Result;
  if (child.exitCode === null) await once(child, 'exit');
  if (!result) throw new Error(`${mode} child printed no result`);
  return result;
}

const f = (v: number | undefined, d = 1) => (v === undefined ? '-' : v.toFixed(d));

async function main(): Promise<void> {
  const rates = opt('rates', '100,1000,5000,20000').split(',').map(Number).filter((r) => r > 0);
  const runs = num('runs', 1);
  const peer = !process.argv.includes('--no-peer');
  if (!hasTaskset) process.stdout.write('taskset not found: running unpinned (figures are less stable)\n');
  const server = await startServerChild({ host: '127.0.0.1', auth: { noAuth: true }, latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 } }, 0);
  process.stdout.write(`mock ${server.url} on CPU 0; load on CPU 1; ${num('duration', 10)} s per run, arrival ${opt('arrival', 'constant')}\n`);
  process.stdout.write('rate/s  run          requested  achieved  achieved%  lag p50 ms  lag p99 ms  dropped  done req/s  | autocannon req/s  its %  done ratio\n');
  try {
    for (let run = 1; run <= runs; run++) {
      for (const rate of rates) {
        const row = (r: Result, a?: Result) => {
          const share = r.achieved !== undefined && r.requested ? (r.achieved / r.requested) * 100 : undefined;
          const peerCols = a ? `| ${f(a.completedPerSecond).padStart(16)}  ${f((a.completedPerSecond / rate) * 100, 1).padStart(5)}  ${(r.completedPerSecond / a.completedPerSecond).toFixed(3)}` : '|';
          process.stdout.write(
            `${String(rate).padStart(6)}  ${r.tool.padEnd(10)}  ${f(r.requested).padStart(10)}  ${f(r.achieved).padStart(8)}  ${f(share, 2).padStart(9)}  ${f(r.lagP50, 2).padStart(10)}  ${f(r.lagP99, 2).padStart(10)}  ${String(r.dropped ?? '-').padStart(7)}  ${f(r.completedPerSecond).padStart(10)}  ${peerCols}\n`,
          );
        };
        row(await runChild('--schedule', server.url, rate));
        const b = await runChild('--batch-load', server.url, rate);
        row(b, peer ? await runChild('--autocannon', server.url, rate) : undefined);
      }
    }
  } finally {
    await server.stop();
  }
}

const mode = process.argv[2];
if (mode === '--batch-load') await batchLoadChild();
else if (mode === '--schedule') await scheduleChild();
else if (mode === '--autocannon') await autocannonChild();
else await main();
