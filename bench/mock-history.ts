/**
 * `npm run bench:mock-history`: does the mock's cost grow with its history? One mock process
 * (pinned to CPU 0) serves --runs consecutive batch-workflow runs of the tester (each a fresh
 * process pinned to CPU 1, --users users, --duration seconds, short waits and 200 ms polls).
 * Per run it prints the mock's CPU time per completed workflow, its peak RSS and what the store
 * holds; at the end, the last run's CPU per workflow against the first's (target: within 10 %).
 *
 * Options: --runs 3 --duration 90 --users 1000 --spawn-rate 100 --retain 5000 [--retain-for 60s]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDuration } from '../src/config/duration.js';
import { ROOT, hasTaskset, pinned, startServerChild } from './mock-child.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 || process.argv[i + 1] === undefined ? fallback : process.argv[i + 1]!;
}

const MB = 1024 * 1024;

async function runTester(url: string, users: string, spawnRate: string, seconds: string, jsonPath: string): Promise<number> {
  const [command, args] = pinned(1, process.execPath, [
    '--import', 'tsx', join(ROOT, 'src', 'cli', 'bin.ts'),
    '--host', url, '--api-key', 'sk-bench',
    '-u', users, '-r', spawnRate, '-t', `${seconds}s`,
    '--wait-min', '0.1s', '--wait-max', '0.3s',
    '--poll-interval', '200ms', '--no-poll-jitter',
    '--only-summary', '--json', jsonPath,
  ]);
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  await once(child, 'exit');
  const report = JSON.parse(await readFile(jsonPath, 'utf8')) as { metrics: { counters: Record<string, number> } };
  return report.metrics.counters.workflows_completed ?? 0;
}

/** Phase durations of the newest batches, from the mock's own (millisecond) timestamps. */
async function phaseSpread(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/batches?limit=100`);
  const { data } = (await res.json()) as { data: Array<Record<string, number | string | null>> };
  const spans = (from: string, to: string): number[] =>
    data.filter((b) => typeof b[from] === 'number' && typeof b[to] === 'number').map((b) => ((b[to] as number) - (b[from] as number)) * 1000);
  const range = (values: number[]): string =>
    values.length === 0 ? 'n/a' : `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)} ms`;
  return `validating ${range(spans('created_at', 'in_progress_at'))}, finalizing ${range(spans('finalizing_at', 'completed_at'))} (newest ${data.length} batches)`;
}

async function main(): Promise<void> {
  const runs = Number(arg('runs', '3'));
  const seconds = arg('duration', '90');
  const users = arg('users', '1000');
  const spawnRate = arg('spawn-rate', '100');
  const retention = { count: Number(arg('retain', '5000')), ageMs: parseDuration(arg('retain-for', '0'), '--retain-for') };
  if (!hasTaskset) process.stderr.write('warning: taskset not available, processes are not pinned\n');
  const server = await startServerChild({ auth: { noAuth: true }, retention, batch: { msTimestamps: true } }, 0, 200);
  process.stdout.write(
    `bench:mock-history  mock on CPU 0 (retain ${retention.count}${retention.ageMs ? `, for ${retention.ageMs} ms` : ''}), ` +
      `tester on CPU 1: ${runs} × ${seconds}s, ${users} users, batch workflow\n`,
  );
  const jsonPath = join(tmpdir(), `bench-mock-history-${process.pid}.json`);
  const perWorkflow: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const before = await server.probe();
      const workflows = await runTester(server.url, users, spawnRate, seconds, jsonPath);
      const after = await server.probe();
      const stats = (await (await fetch(`${server.url}/__stats`)).json()) as { batches: { stored: number; evicted: number }; files: { stored: number } };
      const cpuMs = (after.cpu - before.cpu) / 1000;
      perWorkflow.push(workflows > 0 ? cpuMs / workflows : Number.NaN);
      process.stdout.write(
        `run ${i + 1}: ${workflows} workflows, mock CPU ${perWorkflow[i]!.toFixed(2)} ms/workflow, ` +
          `peak RSS ${(after.peakRss / MB).toFixed(0)} MB (now ${(after.rss / MB).toFixed(0)} MB); ` +
          `store: ${stats.batches.stored} batches, ${stats.files.stored} files (${stats.batches.evicted} batches evicted so far)\n` +
          `       phase times: ${await phaseSpread(server.url)}\n`,
      );
    }
    const ratio = perWorkflow[perWorkflow.length - 1]! / perWorkflow[0]!;
    process.stdout.write(`last/first CPU per workflow: ${ratio.toFixed(3)} (target <= 1.10)\n`);
  } finally {
    await server.stop();
    await rm(jsonPath, { force: true });
  }
}

await main();
