/**
 * `npm run bench:users`: does the tester's cost per request stay flat as the user count grows?
 *
 * The mock (zero latency, no auth) runs in a child pinned to CPU 0. For each profile, batch-load
 * (runLoadTest, closed model, the chat scenario non-streaming) runs in a child pinned to CPU 1,
 * all users started at once, with think times chosen so every profile asks for about the same
 * ~5,000 requests/s:
 *     100 users thinking 10–30 ms,  1,000 users thinking 0.1–0.3 s,  10,000 users thinking 1–3 s.
 * The steady state is measured, not start-up: the child samples its own CPU time (user +
 * system) and the request count at --from and at --to seconds into the run and divides. At
 * --to it also counts the TCP connections it holds to the mock (`ss`, established, client side),
 * which should equal the user count: one connection per user. Profiles are interleaved when
 * --rounds > 1; the summary gives each one's median and its cost against the smallest profile's
 * (target: 10,000 users ≤ 1.3× 100 users).
 *
 * Options: --duration 40 --from 15 --to 35 --rounds 1 --profiles 100,1000,10000
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ROOT, hasTaskset, pinned, startServerChild, type ServerChild } from './mock-child.js';

const SELF = fileURLToPath(import.meta.url);

interface Profile {
  users: number;
  waitMin: string;
  waitMax: string;
}

const PROFILES: Profile[] = [
  { users: 100, waitMin: '10ms', waitMax: '30ms' },
  { users: 1_000, waitMin: '100ms', waitMax: '300ms' },
  { users: 10_000, waitMin: '1s', waitMax: '3s' },
];

interface Result {
  users: number;
  /** CPU µs per request between --from and --to */
  cpuPerRequest: number;
  /** requests/s between --from and --to */
  rps: number;
  /** established connections to the mock at --to */
  connectionsHeld: number;
  /** connections opened over the whole run (warm start included) */
  connectionsOpened: number;
  p50: number;
  p99: number;
  /** resident memory at --to, MB */
  rssMb: number;
  /** the mock's CPU between the two marks: share of its core (1 = saturated) */
  mockBusy?: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 || process.argv[i + 1] === undefined ? fallback : process.argv[i + 1]!;
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Established connections from this host to `port` (the client's side of each). */
function connectionsTo(port: string): number {
  const out = spawnSync('ss', ['-Htn', 'state', 'established', `( dport = :${port} )`], { encoding: 'utf8' });
  if (out.status !== 0) return Number.NaN;
  return out.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

// ---- child: one profile --------------------------------------------------------------------

async function child(): Promise<void> {
  const { resolveRunConfig } = await import('../src/config/resolve.js');
  const { runLoadTest } = await import('../src/engine/runner.js');
  const url = arg('url', '');
  const users = Number(arg('users', '100'));
  const from = Number(arg('from', '15')) * 1000;
  const to = Number(arg('to', '35')) * 1000;
  const config = resolveRunConfig({
    host: url,
    scenario: 'chat',
    users,
    spawnRate: users,
    waitMin: arg('wait-min', '10ms'),
    waitMax: arg('wait-max', '30ms'),
    runTime: `${arg('duration', '40')}s`,
    apiKey: 'bench',
    defaultThresholds: false,
    progressInterval: '1s',
    onlySummary: true,
  });
  let first: { cpu: number; requests: number; at: number } | undefined;
  let last: { cpu: number; requests: number; at: number } | undefined;
  let held = Number.NaN;
  let rss = 0;
  const port = new URL(url).port;
  const result = await runLoadTest(config, {
    onProgress: (p) => {
      if (p.final) return;
      if (first === undefined && p.elapsedMs >= from) {
        first = { cpu: cpuNow(), requests: p.totals.requests, at: p.elapsedMs };
        process.stdout.write('MARK\n');
      } else if (first !== undefined && last === undefined && p.elapsedMs >= to) {
        last = { cpu: cpuNow(), requests: p.totals.requests, at: p.elapsedMs };
        process.stdout.write('MARK\n');
        held = connectionsTo(port);
        rss = process.memoryUsage.rss();
      }
    },
  });
  if (!first || !last) throw new Error('the run ended before --to: give a longer --duration');
  const agg = result.metrics.aggregated;
  const out: Result = {
    users,
    cpuPerRequest: (last.cpu - first.cpu) / (last.requests - first.requests),
    rps: ((last.requests - first.requests) * 1000) / (last.at - first.at),
    connectionsHeld: held,
    connectionsOpened: result.metrics.counters.connections_opened ?? 0,
    p50: agg.p50,
    p99: agg.p99,
    rssMb: rss / 1024 / 1024,
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

// ---- orchestration -------------------------------------------------------------------------

async function runProfile(server: ServerChild, p: Profile): Promise<Result> {
  const url = server.url;
  const pass = ['duration', 'from', 'to'].flatMap((n) => [`--${n}`, arg(n, n === 'duration' ? '40' : n === 'from' ? '15' : '35')]);
  const [command, args] = pinned(1, process.execPath, [
    '--import', 'tsx', SELF, '--child', '--url', url,
    '--users', String(p.users), '--wait-min', p.waitMin, '--wait-max', p.waitMax, ...pass,
  ]);
  const c = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let result: Result | undefined;
  // the mock's CPU at the child's two sample points
  const marks: Promise<{ cpu: number; at: number }>[] = [];
  for await (const line of createInterface({ input: c.stdout! })) {
    if (line === 'MARK') marks.push(server.probe().then((probe) => ({ cpu: probe.cpu, at: performance.now() })));
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as Result;
  }
  if (c.exitCode === null) await once(c, 'exit');
  if (!result) throw new Error(`the ${p.users}-user child printed no result`);
  const [m0, m1] = await Promise.all(marks);
  if (m0 && m1) result.mockBusy = (m1.cpu - m0.cpu) / 1000 / (m1.at - m0.at);
  return result;
}

function line(r: Result): string {
  return (
    `${String(r.users).padStart(6)} users  ${r.cpuPerRequest.toFixed(1).padStart(6)} µs/request  ${Math.round(r.rps)} req/s  ` +
    `connections held ${r.connectionsHeld} (opened ${r.connectionsOpened})  p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms  ` +
    `RSS ${r.rssMb.toFixed(0)} MB  mock busy ${r.mockBusy === undefined ? '?' : `${Math.round(r.mockBusy * 100)} %`}  (load ${loadavg()[0]!.toFixed(2)})`
  );
}

async function main(): Promise<void> {
  const wanted = arg('profiles', PROFILES.map((p) => p.users).join(',')).split(',').map(Number);
  const profiles = PROFILES.filter((p) => wanted.includes(p.users));
  const rounds = Number(arg('rounds', '1'));
  if (!hasTaskset) process.stderr.write('warning: taskset not available, processes are not pinned\n');
  const server = await startServerChild({ host: '127.0.0.1', auth: { noAuth: true }, latency: { ttftMs: 0, perTokenMs: 0, jitterMs: 0 } }, 0);
  const results = new Map<number, Result[]>();
  try {
    process.stdout.write(
      `bench:users  chat non-streaming, closed model, all users at once; steady state from ${arg('from', '15')} s to ${arg('to', '35')} s of ${arg('duration', '40')} s\n` +
        `mock pinned to CPU 0 (zero latency, no auth); batch-load pinned to CPU 1\n`,
    );
    for (let r = 0; r < rounds; r++) {
      for (const p of profiles) {
        const res = await runProfile(server, p);
        results.set(p.users, [...(results.get(p.users) ?? []), res]);
        process.stdout.write(`${line(res)}\n`);
      }
    }
  } finally {
    await server.stop();
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const base = median((results.get(profiles[0]!.users) ?? []).map((r) => r.cpuPerRequest));
  process.stdout.write('medians:\n');
  for (const p of profiles) {
    const rs = results.get(p.users) ?? [];
    const cost = median(rs.map((r) => r.cpuPerRequest));
    const held = median(rs.map((r) => r.connectionsHeld));
    const within = Math.abs(held - p.users) <= p.users * 0.1;
    process.stdout.write(
      `${String(p.users).padStart(6)} users  ${cost.toFixed(1)} µs/request = ${(cost / base).toFixed(2)}× the ${profiles[0]!.users}-user cost` +
        `${p.users === 10_000 ? (cost / base <= 1.3 ? ' (target ≤ 1.3×: met)' : ' (target ≤ 1.3×: MISSED)') : ''}` +
        `; connections held ${held} ${within ? '(= users ±10 %)' : '(NOT users ±10 %)'}\n`,
    );
  }
}

if (process.argv.includes('--child')) await child();
else await main();
