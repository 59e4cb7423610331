// Faults of a scale-out run, as real processes against a mock in this test's process: a worker
// killed mid-run (the run goes on, names it, exit 6, nothing counted twice) and the coordinator
// killed (every worker stops sending within 2 s).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import type { JsonReport } from '../../src/report/json.js';
import { parsePrometheus } from '../serve/prometheus.js';
import { alive, sleep, startCli } from './cli-process.js';

const KEY = 'sk-faults-test';
const dir = mkdtempSync(join(tmpdir(), 'bl-faults-'));
let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { staticKeys: [KEY] } });
});
afterAll(() => mock.close());

const served = () => mock.stats().requests.total;
const pidsOf = (text: string) => text.match(/Started \d+ worker process(?:es)? \(pids ([\d, ]+)\)/)![1]!.split(', ').map(Number);

describe('a worker killed mid-run (SIGKILL)', () => {
  it('the run completes with the others, names the lost worker, exits 6, and counts no request twice', async () => {
    const before = served();
    const json = join(dir, 'lost.json');
    const run = startCli(['--host', mock.url, '--api-key', KEY, '--workers', '3', '--scenario', 'chat:3,batch:1', '-u', '6', '-r', '6', '-t', '6s',
      '--wait-min', '0.05', '--wait-max', '0.1', '--poll-interval', '100ms', '--poll-max-interval', '200ms', '--progress-interval', '500ms', '--json', json]);
    const [, pids] = [await run.waitFor(/\| [1-9]\d* reqs.*workers 3\/3/), pidsOf(run.stdout())];
    // killed once the coordinator holds a report of its requests (its /metrics shows them)
    const coordinator = run.stdout().match(/Coordinator listening on (http:\/\/127\.0\.0\.1:\d+)/)![1]!;
    const reported = async () => {
      const samples = parsePrometheus(await (await fetch(`${coordinator}/metrics`)).text());
      return samples.find((s) => s.name === 'batch_load_worker_requests_total' && s.labels.worker === '1')?.value ?? 0;
    };
    for (let i = 0; i < 100 && (await reported()) === 0; i++) await sleep(100);
    process.kill(pids[1]!, 'SIGKILL');
    const { code } = await run.exited;
    expect(code, `${run.stdout()}\n${run.stderr()}`).toBe(6);
    expect(run.stdout()).toMatch(new RegExp(`worker 1 \\(\\S+, pid ${pids[1]}\\) LOST \\d+\\.\\ds into the run: `));
    expect(run.stdout()).toMatch(/RESULT: INCOMPLETE \(worker 1 \(.*\) lost: not the whole load, not judged a pass/);
    const r = JSON.parse(readFileSync(json, 'utf8')) as JsonReport;
    expect(r).toMatchObject({ exitCode: 6, passed: false, interrupted: false });
    expect(r.workers!.map((w) => w.state)).toEqual(['finished', 'lost', 'finished']);
    const lost = r.workers![1]!;
    expect(lost.lost!.reason).toMatch(/connection|killed by SIGKILL/);
    expect(lost.lost!.afterSeconds).toBeGreaterThan(0);
    expect(lost.requests).toBeGreaterThan(0);
    // each request once: the merged total is the workers' reports added, never more than the mock saw
    expect(r.metrics.aggregated.count).toBe(r.workers!.reduce((n, w) => n + w.requests, 0));
    expect(r.metrics.aggregated.count).toBeLessThanOrEqual(served() - before);
    // the survivors ran to the end of the run time
    for (const w of [r.workers![0]!, r.workers![2]!]) expect(w.elapsedSeconds).toBeGreaterThan(5);

    // user ids are the run's, not each worker's: the batches' metadata (run id, user, iteration) never repeats
    const seen = await batchesOf(r.runId);
    expect(seen.length).toBeGreaterThan(3);
    expect(new Set(seen).size).toBe(seen.length);
    const users = new Set(seen.map((s) => Number(s.split('/')[0])));
    expect([...users].every((u) => u >= 1 && u <= 6)).toBe(true);
    expect(users.size).toBeGreaterThan(3);
  }, 90_000);
});

/** `user/iteration` of every batch the mock holds for a run. */
async function batchesOf(runId: string): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const res = await fetch(`${mock.url}/v1/batches?limit=100${after ? `&after=${after}` : ''}`, { headers: { authorization: `Bearer ${KEY}` } });
    const page = (await res.json()) as { data: Array<{ id: string; metadata: Record<string, string> }>; has_more: boolean };
    for (const b of page.data) if (b.metadata.run_id === runId) seen.push(`${b.metadata.user}/${b.metadata.iteration}`);
    if (!page.has_more || page.data.length === 0) return seen;
    after = page.data.at(-1)!.id;
  }
}

describe('the coordinator killed (SIGKILL)', () => {
  it('every worker stops sending within 2 s: the mock’s count is frozen from then on; the workers exit', async () => {
    const run = startCli(['--host', mock.url, '--api-key', KEY, '--workers', '2', '--scenario', 'chat', '-u', '4', '-r', '4', '-t', '5m',
      '--wait-min', '0.02', '--wait-max', '0.05', '--progress-interval', '300ms']);
    await run.waitFor(/\| [1-9]\d* reqs.*workers 2\/2/);
    const pids = pidsOf(run.stdout());
    const flowing = served();
    await sleep(300);
    expect(served()).toBeGreaterThan(flowing);
    run.child.kill('SIGKILL');
    await run.exited;
    await sleep(2000);
    const frozen = served();
    await sleep(2000);
    expect(served()).toBe(frozen);
    for (const pid of pids) expect(alive(pid), `worker pid ${pid} still running`).toBe(false);
  }, 90_000);
});
