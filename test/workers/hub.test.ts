// The coordinator's hub over real loopback sockets: who may join, starting together, losing a
// worker mid-run, stopping, the silence rule and /metrics.
import { createServer as createHttpServer } from 'node:http';
import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StartError } from '../../src/config/errors.js';
import { resolveRunConfig } from '../../src/config/resolve.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { newNonce } from '../../src/workers/auth.js';
import { Channel } from '../../src/workers/channel.js';
import { Hub } from '../../src/workers/hub.js';
import { encodeInterval } from '../../src/workers/interval.js';
import { joinCoordinator } from '../../src/workers/join.js';
import { CHANNEL_PATH, UPGRADE_PROTOCOL } from '../../src/workers/protocol.js';
import { parsePrometheus } from '../serve/prometheus.js';
import { fakeWorker, type FakeWorker } from './fake-worker.js';

const TOKEN = 'hub-test-token-0123456789abcdef';
const config = resolveRunConfig({ host: 'http://127.0.0.1:9', scenario: 'health', users: 4 });
const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function hub(expected: number, logs: string[] = []): Promise<Hub> {
  const h = await Hub.listen({ host: '127.0.0.1', port: 0, token: TOKEN, expected, version: '0.1.0', progressIntervalMs: 1000, log: (l) => logs.push(l) });
  open.push(h);
  return h;
}

/** One shard's figures: `n` requests of `ms`. */
function shard(n: number, ms: number) {
  const r = new MetricsRecorder();
  for (let i = 0; i < n; i++) r.request('GET /health [health]', ms);
  r.count('iterations:health', n);
  return r;
}

async function startAll(h: Hub, workers: FakeWorker[]): Promise<void> {
  const prepared = h.prepare(config, undefined, 5000);
  for (const w of workers) {
    await w.next('assign');
    w.send({ t: 'ready' });
  }
  await prepared;
  for (const w of workers) await w.next('start');
}

const signals = () => ({ stopping: new AbortController(), aborted: new AbortController() });

describe('joining', () => {
  it('a worker refuses a coordinator that cannot prove the token (and never retries it)', async () => {
    const fake = createHttpServer();
    const sockets: Array<{ destroy(): void }> = [];
    fake.on('upgrade', (_req, socket) => {
      sockets.push(socket);
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${UPGRADE_PROTOCOL}\r\nConnection: Upgrade\r\nx-batch-load-nonce: ${newNonce()}\r\nx-batch-load-proof: ${'0'.repeat(64)}\r\n\r\n`);
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    open.push({ close: () => new Promise((r) => (fake.close(r), sockets.forEach((x) => x.destroy()))) });
    const url = new URL(`http://127.0.0.1:${(fake.address() as { port: number }).port}`);
    const started = Date.now();
    await expect(joinCoordinator(url, TOKEN, 30_000, () => undefined)).rejects.toThrow(/could not prove the token .* refusing it/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a worker with another token refuses the real coordinator too: the proofs differ both ways', async () => {
    const h = await hub(1);
    await expect(joinCoordinator(new URL(h.url), 'not-the-token-at-all-xxxxxxxx', 5000, () => undefined)).rejects.toThrow(StartError);
  });

  it('the coordinator refuses a peer that cannot prove the token, and drops it', async () => {
    const logs: string[] = [];
    const h = await hub(1, logs);
    const j = await joinCoordinator(new URL(h.url), TOKEN, 5000, () => undefined);
    const got: unknown[] = [];
    const lost = new Promise<string>((resolve) => {
      new Channel(j.socket, { silenceMs: 5000, heartbeatMs: 1000, onMessage: (m) => got.push(m), onLost: resolve }, j.head).send({
        t: 'auth',
        proof: 'ab'.repeat(32),
        host: 'x',
        pid: 1,
        version: '0.1.0',
      });
    });
    expect(await lost).toMatch(/closed|error/);
    expect(got).toEqual([{ t: 'refused', reason: 'it could not prove the token' }]);
    expect(logs.join('\n')).toMatch(/refused a worker from 127\.0\.0\.1:\d+: it could not prove the token/);
  });

  it('refuses garbage before the proof: a bad upgrade, or a first message over 64 KiB', async () => {
    const h = await hub(1);
    const res = await fetch(`${h.url}${CHANNEL_PATH}`, { headers: { 'x-batch-load-nonce': 'short' } });
    expect(res.status).toBe(404);
    const j = await joinCoordinator(new URL(h.url), TOKEN, 5000, () => undefined);
    const closed = new Promise<void>((r) => j.socket.once('close', () => r()));
    j.socket.write('x'.repeat(70 * 1024));
    await closed;
  });

  it('indices: a given one must be free and in range; other versions are refused; then the run has its workers', async () => {
    const h = await hub(2);
    const a = await fakeWorker(h.url, TOKEN, 1);
    expect(await a.next('welcome')).toEqual({ t: 'welcome', index: 1, count: 2 });
    const dup = await fakeWorker(h.url, TOKEN, 1);
    expect((await dup.next('refused')).reason).toMatch(/index 1 is already taken by worker 1/);
    const out = await fakeWorker(h.url, TOKEN, 5);
    expect((await out.next('refused')).reason).toMatch(/index 5 is out of range \(expecting 2 workers, 0\.\.1\)/);
    const old = await fakeWorker(h.url, TOKEN, undefined, '0.0.9');
    expect((await old.next('refused')).reason).toMatch(/runs batch-load 0\.0\.9, the coordinator 0\.1\.0/);
    const b = await fakeWorker(h.url, TOKEN);
    expect(await b.next('welcome')).toEqual({ t: 'welcome', index: 0, count: 2 });
    const extra = await fakeWorker(h.url, TOKEN);
    expect((await extra.next('refused')).reason).toMatch(/already has its 2 workers/);
  });
});

describe('starting together', () => {
  it('no start until every worker is ready; the shares and the sealed key go to each; a late worker is refused', async () => {
    const h = await hub(2);
    const [a, b] = [await fakeWorker(h.url, TOKEN, 0), await fakeWorker(h.url, TOKEN, 1)];
    const prepared = h.prepare(config, 'sk-the-key', 5000);
    const [ta, tb] = [await a.next('assign'), await b.next('assign')];
    expect([ta.config.users, tb.config.users]).toEqual([2, 2]);
    expect([ta.share.userIds, tb.share.userIds]).toEqual([{ first: 1, stride: 2 }, { first: 2, stride: 2 }]);
    expect(JSON.stringify(ta)).not.toContain('sk-the-key');
    expect(ta.config.auth.apiKey).toBeUndefined();
    a.send({ t: 'ready' });
    await expect(a.next('start', 300)).rejects.toThrow(/no 'start'/);
    b.send({ t: 'ready' });
    await prepared;
    await a.next('start');
    await b.next('start');
    const late = await fakeWorker(h.url, TOKEN);
    expect((await late.next('refused')).reason).toBe('the run has already started');
  });

  it('not all ready in time: a StartError naming the missing workers, and the others are stopped', async () => {
    const h = await hub(3);
    const a = await fakeWorker(h.url, TOKEN, 0);
    const b = await fakeWorker(h.url, TOKEN, 1);
    const prepared = h.prepare(config, undefined, 800);
    await a.next('assign');
    a.send({ t: 'ready' });
    await b.next('assign');
    await expect(prepared).rejects.toThrow(/not every worker was ready within 1s: worker 1 \(.*\) connected, not ready; worker 2 not connected/);
    await a.next('stop');
  });

  it('a worker that cannot prepare fails the start at once, naming it and why', async () => {
    const h = await hub(2);
    const a = await fakeWorker(h.url, TOKEN, 0);
    const prepared = h.prepare(config, undefined, 30_000);
    await a.next('assign');
    a.send({ t: 'failed', error: 'data file /x differs from the coordinator’s' });
    await expect(prepared).rejects.toThrow(/worker 0 \(.*\) could not start: data file \/x differs/);
  });
});

describe('during the run', () => {
  it('a lost worker: named with when and why, its last report counts once, the run goes on with the others', async () => {
    const logs: string[] = [];
    const h = await hub(2, logs);
    const [a, b] = [await fakeWorker(h.url, TOKEN, 0), await fakeWorker(h.url, TOKEN, 1)];
    await startAll(h, [a, b]);
    const s = signals();
    const run = h.run({ stopping: s.stopping.signal, aborted: s.aborted.signal });
    const [ra, rb] = [shard(30, 5), shard(50, 7)];
    for (const [w, r] of [[a, ra], [b, rb]] as const) {
      w.send({ t: 'progress', users: 2, iterationsStarted: 0, target: { users: 2 }, load: { cpuPercent: 50, lagP99Ms: 1 }, interval: encodeInterval(r.takeInterval()), totals: r.totals(), workflowsDone: 0, snapshot: r.snapshot() });
    }
    await until(() => h.reports().every((r) => r.requests > 0));
    a.channel.close(); // worker 0 goes away without its final figures
    await until(() => h.reports()[0]!.state === 'lost');
    for (let i = 0; i < 10; i++) rb.request('GET /health [health]', 7);
    b.send({ t: 'final', metrics: rb.snapshot(), interrupted: false, cpuSeconds: 0.5 });
    await run;
    const [lost, done] = h.reports();
    expect(lost).toMatchObject({ index: 0, state: 'lost', requests: 30 });
    expect(lost!.lost!.reason).toMatch(/^connection (closed|error: E[A-Z]+)$/);
    expect(lost!.lost!.afterSeconds).toBeGreaterThanOrEqual(0);
    expect(done).toMatchObject({ index: 1, state: 'finished', requests: 60, cpuSeconds: 0.5 });
    expect(h.metrics(new MetricsRecorder().snapshot()).aggregated.count).toBe(90);
    expect(h.incomplete.map((r) => r.index)).toEqual([0]);
    expect(logs.join('\n')).toMatch(/worker 0 \(.*\) LOST \d+\.\ds into the run: connection [^;]+; the run goes on with the others \(its last report counts: 30 requests\)/);
  });

  it('stopped from the coordinator (interrupt): every worker is told, their final figures arrive, none is lost', async () => {
    const h = await hub(2);
    const workers = [await fakeWorker(h.url, TOKEN, 0), await fakeWorker(h.url, TOKEN, 1)];
    await startAll(h, workers);
    const s = signals();
    const run = h.run({ stopping: s.stopping.signal, aborted: s.aborted.signal });
    s.stopping.abort();
    s.aborted.abort();
    for (const w of workers) {
      expect((await w.next('stop')).reason).toBe('the run was stopped');
      w.send({ t: 'final', metrics: shard(3, 1).snapshot(), interrupted: true, cpuSeconds: 0.1 });
    }
    await run;
    expect(h.reports().map((r) => r.state)).toEqual(['finished', 'finished']);
  });

  it('a worker that sends nothing after the stop is lost after STOP_WAIT_MS, its last report kept', async () => {
    const h = await hub(1);
    const w = await fakeWorker(h.url, TOKEN, 0);
    await startAll(h, [w]);
    const s = signals();
    const run = h.run({ stopping: s.stopping.signal, aborted: s.aborted.signal });
    s.aborted.abort();
    const t = Date.now();
    await run;
    expect(Date.now() - t).toBeLessThan(3000);
    expect(h.reports()[0]).toMatchObject({ state: 'lost', lost: { reason: 'no final figures within 1.5s of the stop' } });
  });

  it('GET /metrics: the merged run in Prometheus text, durations in seconds', async () => {
    const h = await hub(2);
    const workers = [await fakeWorker(h.url, TOKEN, 0), await fakeWorker(h.url, TOKEN, 1)];
    await startAll(h, workers);
    const shards = [shard(10, 100), shard(30, 300)];
    workers.forEach((w, i) => {
      const r = shards[i]!;
      w.send({ t: 'progress', users: 2, iterationsStarted: 0, target: { users: 2 }, load: { cpuPercent: 1, lagP99Ms: 0 }, interval: encodeInterval(r.takeInterval()), totals: r.totals(), workflowsDone: 0, snapshot: r.snapshot() });
    });
    await until(() => h.reports().every((r) => r.requests > 0));
    const res = await fetch(`${h.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await res.text());
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('batch_load_requests_total', { name: 'GET /health [health]' })).toBe(40);
    expect(value('batch_load_request_duration_seconds', { name: 'GET /health [health]', quantile: '0.5' })).toBeCloseTo(0.3, 6);
    expect(value('batch_load_request_duration_seconds_sum', { name: 'GET /health [health]' })).toBeCloseTo(10 * 0.1 + 30 * 0.3, 6);
    expect(value('batch_load_workers', { state: 'running' })).toBe(2);
    expect(value('batch_load_users')).toBe(4);
    expect(value('batch_load_worker_requests_total', { worker: '1' })).toBe(30);
    expect(value('batch_load_events_total', { counter: 'iterations:health' })).toBe(40);
  });
});

describe('the silence rule', () => {
  it('a peer that sends nothing (no heartbeat either) is lost after silenceMs, even with the connection open', async () => {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted: Array<{ destroy(): void }> = [];
    server.on('connection', (c) => accepted.push(c));
    open.push({ close: () => new Promise((r) => (server.close(r), accepted.forEach((x) => x.destroy()))) });
    const socket = connect((server.address() as { port: number }).port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const t = Date.now();
    const reason = await new Promise<string>((resolve) => new Channel(socket, { silenceMs: 400, heartbeatMs: 100, onMessage: () => undefined, onLost: resolve }));
    expect(reason).toBe('nothing received for 0.4s');
    expect(Date.now() - t).toBeGreaterThanOrEqual(400);
    expect(Date.now() - t).toBeLessThan(1500);
  });
});

async function until(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('until: timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
