/**
 * `npm run bench:cold-start`: do a run's first seconds measure the server, or the tester warming
 * up? Each case starts a fresh batch-load process (pinned to CPU 1) against the mock (pinned to
 * CPU 0) and compares the first 5 s with the rest of the run (progress intervals of 5 s):
 *   closed  50 users started at once, no think time, the mock at a fixed 50 ms
 *           (--ttft 50ms --per-token 0 --jitter 0, one output token): p99 of the first 5 s
 *           against the p99 of the rest (target: within 5 ms);
 *   open    --rate 5000 for 20 s against the zero-latency mock: dropped iterations (target
 *           < 0.5 %) and the p99 of the first 5 s against the rest's (target ≤ 2×).
 * Cases alternate when --rounds > 1; medians at the end.
 *
 * Each mock is warmed first by one uncounted 6 s run (--cold-mock: not).
 *
 * Options: --rounds 1 --duration 20 --cases closed,open --rate 5000 --cold-mock
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ROOT, hasTaskset, pinned, startServerChild } from './mock-child.js';

const SELF = fileURLToPath(import.meta.url);
const INTERVAL_S = 5;

interface Result {
  kind: 'closed' | 'open';
  requests: number;
  dropped: number;
  /** p99 of the first interval and of the rest of the run (all later intervals merged), ms */
  firstP99: number;
  restP99: number;
  firstP50: number;
  restP50: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 || process.argv[i + 1] === undefined ? fallback : process.argv[i + 1]!;
}

// ---- child: one run ---------------------------------------------------------------------

async function child(kind: 'closed' | 'open'): Promise<void> {
  const { resolveRunConfig } = await import('../src/config/resolve.js');
  const { runLoadTest } = await import('../src/engine/runner.js');
  const { MetricsRecorder } = await import('../src/metrics/recorder.js');
  const { MetricHistogram } = await import('../src/metrics/histogram.js');
  const duration = `${arg('duration', '20')}s`;
  const common = { host: arg('url', ''), scenario: 'chat', runTime: duration, apiKey: 'bench', defaultThresholds: false, progressInterval: `${INTERVAL_S}s`, onlySummary: true };
  const config = resolveRunConfig(
    kind === 'closed'
      ? { ...common, users: 50, spawnRate: 50, waitMin: 0, waitMax: 0, maxTokens: 1 }
      : { ...common, rate: Number(arg('rate', '5000')), users: 256, connections: 64 },
  );
  const recorder = new MetricsRecorder();
  let first: InstanceType<typeof MetricHistogram> | undefined;
  const rest = new MetricHistogram('ms');
  await runLoadTest(config, {
    recorder,
    onProgress: (p) => {
      if (first === undefined) first = p.interval.latency;
      else rest.add(p.interval.latency);
    },
  });
  const out: Result = {
    kind,
    requests: recorder.totals().requests,
    dropped: recorder.counter('dropped_iterations'),
    firstP99: first?.percentile(99) ?? Number.NaN,
    restP99: rest.percentile(99),
    firstP50: first?.percentile(50) ?? Number.NaN,
    restP50: rest.percentile(50),
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

// ---- orchestration ----------------------------------------------------------------------

async function runCase(url: string, kind: 'closed' | 'open', duration = arg('duration', '20')): Promise<Result> {
  const [command, args] = pinned(1, process.execPath, ['--import', 'tsx', SELF, '--child', kind, '--url', url, '--duration', duration, '--rate', arg('rate', '5000')]);
  const c = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let result: Result | undefined;
  for await (const line of createInterface({ input: c.stdout! })) {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as Result;
  }
  if (c.exitCode === null) await once(c, 'exit');
  if (!result) throw new Error(`the ${kind} child printed no result`);
  return result;
}

function line(r: Result): string {
  const drop = r.dropped + r.requests > 0 ? (100 * r.dropped) / (r.dropped + r.requests) : 0;
  return (
    `${r.kind.padEnd(6)} ${r.requests} requests, ${r.dropped} dropped (${drop.toFixed(2)} %)  ` +
    `first ${INTERVAL_S} s p50 ${r.firstP50.toFixed(2)} p99 ${r.firstP99.toFixed(2)} ms | rest p50 ${r.restP50.toFixed(2)} p99 ${r.restP99.toFixed(2)} ms  ` +
    `(p99 first − rest ${(r.firstP99 - r.restP99).toFixed(2)} ms, ${(r.firstP99 / r.restP99).toFixed(2)}×; load ${loadavg()[0]!.toFixed(2)})`
  );
}

async function main(): Promise<void> {
  const cases = arg('cases', 'closed,open').split(',') as ('closed' | 'open')[];
  const rounds = Number(arg('rounds', '1'));
  if (!hasTaskset) process.stderr.write('warning: taskset not available, processes are not pinned\n');
  // one mock per case kind: the closed case needs the fixed 50 ms, the open one zero latency
  const mocks = {
    closed: cases.includes('closed') ? await startServerChild({ host: '127.0.0.1', auth: { noAuth: true }, latency: { ttftMs: 50, perTokenMs: 0, jitterMs: 0 } }, 0) : undefined,
    open: cases.includes('open') ? await startServerChild({ host: '127.0.0.1', auth: { noAuth: true }, latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 } }, 0) : undefined,
  };
  const results: Result[] = [];
  try {
    process.stdout.write(`bench:cold-start  a fresh tester per run; the first ${INTERVAL_S} s against the rest of ${arg('duration', '20')} s\n`);
    // the tester's cold start is measured, not the mock's: one short run warms each mock first
    if (!process.argv.includes('--cold-mock')) {
      for (const kind of cases) await runCase(mocks[kind]!.url, kind, '6');
      process.stdout.write('(each mock warmed by one uncounted 6 s run; --cold-mock skips it)\n');
    }
    for (let r = 0; r < rounds; r++) {
      for (const kind of cases) {
        const res = await runCase(mocks[kind]!.url, kind);
        results.push(res);
        process.stdout.write(`${line(res)}\n`);
      }
    }
  } finally {
    await Promise.all([mocks.closed?.stop(), mocks.open?.stop()]);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const kind of cases) {
    const rs = results.filter((x) => x.kind === kind);
    if (kind === 'closed') {
      const diff = median(rs.map((x) => x.firstP99 - x.restP99));
      process.stdout.write(`closed: median p99 first − rest ${diff.toFixed(2)} ms ${Math.abs(diff) <= 5 ? '(target ≤ 5 ms: met)' : '(target ≤ 5 ms: MISSED)'}\n`);
    } else {
      const drop = median(rs.map((x) => (100 * x.dropped) / (x.dropped + x.requests)));
      const ratio = median(rs.map((x) => x.firstP99 / x.restP99));
      process.stdout.write(
        `open: median dropped ${drop.toFixed(2)} % ${drop < 0.5 ? '(target < 0.5 %: met)' : '(target < 0.5 %: MISSED)'}, ` +
          `p99 first/rest ${ratio.toFixed(2)}× ${ratio <= 2 ? '(target ≤ 2×: met)' : '(target ≤ 2×: MISSED)'}\n`,
      );
    }
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt !== -1) await child(process.argv[childAt + 1] as 'closed' | 'open');
else await main();
