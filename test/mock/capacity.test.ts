import { describe, expect, it } from 'vitest';
import { CapacityGate, type Slot } from '../../src/mock/capacity.js';
import type { MockServer } from '../../src/mock/index.js';
import { basic, chatJsonl, createBatch, jsonOf, postJson, rawRequest, waitForBatch, withServer } from './support.js';

const chat = { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 1 };

/** Sends one chat request; resolves with its status and when it finished (ms after `t0`). */
async function timed(server: MockServer, t0: number, body: Record<string, unknown> = chat) {
  const res = await postJson(server, '/v1/chat/completions', body);
  return { status: res.status, at: performance.now() - t0, headers: res.headers, body: res.body };
}

describe('the capacity gate', () => {
  it('admits up to N, queues the rest in FIFO order, hands a slot over at the planned end, refuses past the queue', async () => {
    const gate = new CapacityGate(2, 2, 1);
    const a = gate.acquire(true) as Slot;
    const b = gate.acquire(true) as Slot;
    const order: string[] = [];
    const c = (gate.acquire(true) as Promise<Slot>).then((slot) => (order.push('c'), slot));
    const d = (gate.acquire(false) as Promise<Slot>).then((slot) => (order.push('d'), slot));
    expect(() => gate.acquire(true)).toThrow(/at capacity: 2 requests are already waiting/);
    const e = gate.acquire(false) as Promise<Slot>; // batch lines always wait
    expect(gate.snapshot()).toMatchObject({ concurrency: 2, queueDepth: 3, peakQueueDepth: 3, queued: 3, rejected: 1 });
    const plannedEnd = a.startAt + 100;
    gate.release(plannedEnd);
    gate.release(b.startAt + 50);
    expect((await c).startAt).toBe(plannedEnd);
    await d;
    expect(order).toEqual(['c', 'd']);
    gate.release(0);
    expect((await e).startAt).toBeGreaterThan(0); // never before it arrived
    gate.release(0);
    gate.release(0);
    expect(gate.snapshot()).toMatchObject({ concurrency: 0, queueDepth: 0, peakConcurrency: 2 });
  });
});

describe('capacity model (--max-concurrency, --max-queue)', () => {
  it('with 2 slots and a fixed 100 ms generation, 6 concurrent requests finish in 3 waves', () =>
    withServer({ latency: { ttftMs: 100, perTokenMs: 0, jitterMs: 0 }, capacity: { maxConcurrency: 2 } }, async (server) => {
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: 6 }, () => timed(server, t0)));
      expect(results.every((r) => r.status === 200)).toBe(true);
      const times = results.map((r) => r.at).sort((a, b) => a - b);
      // Waves end at 100, 200 and 300 ms (each starts when the previous one ends): a load can only
      // make them later, so the lower bounds are exact and the upper one generous.
      expect(times[0]!).toBeGreaterThanOrEqual(95);
      expect(times[2]!).toBeGreaterThanOrEqual(195);
      expect(times[4]!).toBeGreaterThanOrEqual(295);
      expect(times[5]!).toBeLessThan(2000);
      const capacity = server.stats().capacity;
      expect(capacity).toMatchObject({ maxConcurrency: 2, maxQueue: null, concurrency: 0, peakConcurrency: 2, queueDepth: 0, rejected: 0 });
      // 4 when the six arrive together (a loaded machine may spread them out).
      expect(capacity.queued).toBeGreaterThan(0);
      expect(capacity.peakQueueDepth).toBeLessThanOrEqual(4);
    }));

  it('adds the queue wait to the time to first token of a stream', () =>
    withServer({ latency: { ttftMs: 100, perTokenMs: 0, jitterMs: 0 }, capacity: { maxConcurrency: 1 } }, async (server) => {
      const t0 = performance.now();
      const first = timed(server, t0);
      const firstToken = await new Promise<number>((resolve, reject) => {
        void fetch(`${server.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: 'Bearer sk-test-static', 'content-type': 'application/json' },
          body: JSON.stringify({ ...chat, stream: true }),
        }).then(async (res) => {
          expect(res.status).toBe(200);
          const reader = res.body!.getReader();
          let text = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return reject(new Error('no token'));
            text += Buffer.from(value).toString();
            if (text.includes('"content":"Lorem"')) {
              resolve(performance.now() - t0);
              await reader.cancel();
              return;
            }
          }
        }, reject);
      });
      expect((await first).status).toBe(200);
      // Queued behind a 100 ms generation, then its own 100 ms to the first token.
      expect(firstToken).toBeGreaterThan(190);
    }));

  it('refuses online requests beyond --max-queue with 429 and retry-after; /__stats shows the queue', () =>
    withServer(
      {
        latency: { ttftMs: 150, perTokenMs: 0, jitterMs: 0 },
        capacity: { maxConcurrency: 1, maxQueue: 2 },
        faults: { retryAfterSeconds: 2 },
      },
      async (server) => {
        const t0 = performance.now();
        const pending = Array.from({ length: 5 }, () => timed(server, t0));
        await new Promise((r) => setTimeout(r, 60));
        const live = jsonOf<Record<string, any>>(await rawRequest(server.url, { path: '/__stats', headers: { authorization: basic('admin', 'password') } }));
        expect(live.capacity).toMatchObject({ concurrency: 1, queueDepth: 2, peakQueueDepth: 2, rejected: 2 });
        const results = await Promise.all(pending);
        const refused = results.filter((r) => r.status === 429);
        expect(results.filter((r) => r.status === 200)).toHaveLength(3);
        expect(refused).toHaveLength(2);
        for (const r of refused) {
          expect(r.headers['retry-after']).toBe('2');
          expect(r.headers['retry-after-ms']).toBe('2000');
          expect(JSON.parse(r.body).error).toMatchObject({ code: 'rate_limit_exceeded', type: 'requests' });
          expect(r.at).toBeLessThan(140); // refused at once, not after a wait
        }
        expect(server.stats().requests.byRoute['POST /v1/chat/completions']).toEqual({ '200': 3, '429': 2 });
      },
    ));

  it('batch lines share the slots with online requests and always wait (never 429)', () =>
    withServer(
      {
        latency: { ttftMs: 40, perTokenMs: 0, jitterMs: 0 },
        capacity: { maxConcurrency: 2, maxQueue: 0 },
        batch: { lineConcurrency: 4, validatingMs: 0 },
      },
      async (server) => {
        const created = await createBatch(server, chatJsonl(12));
        // While the batch's lines hold both slots and queue, an online request finds no room.
        let refused = 0;
        for (let i = 0; i < 50 && refused === 0; i++) {
          await new Promise((r) => setTimeout(r, 10));
          if ((await postJson(server, '/v1/chat/completions', chat)).status === 429) refused++;
        }
        expect(refused).toBe(1);
        const batch = await waitForBatch(server, created.id);
        expect(batch.request_counts).toEqual({ total: 12, completed: 12, failed: 0 });
        const capacity = server.stats().capacity;
        expect(capacity.peakConcurrency).toBe(2);
        expect(capacity.queued).toBeGreaterThan(0);
        expect(capacity.concurrency).toBe(0);
      },
    ));

  it('embeddings and responses take slots too', () =>
    withServer({ latency: { ttftMs: 80, perTokenMs: 0, jitterMs: 0 }, capacity: { maxConcurrency: 1 } }, async (server) => {
      const t0 = performance.now();
      const [a, b] = await Promise.all([
        postJson(server, '/v1/embeddings', { model: 'e', input: 'x', dimensions: 2 }).then(() => performance.now() - t0),
        postJson(server, '/v1/responses', { model: 'm', input: 'x', max_output_tokens: 1 }).then(() => performance.now() - t0),
      ]);
      expect(Math.max(a, b)).toBeGreaterThan(150);
      expect(server.stats().capacity).toMatchObject({ peakConcurrency: 1, queued: 1 });
    }));

  it('costs nothing when off: no capacity figures', () =>
    withServer({}, async (server) => {
      expect((await postJson(server, '/v1/chat/completions', chat)).status).toBe(200);
      expect(server.stats().capacity).toMatchObject({ maxConcurrency: 0, peakConcurrency: 0, queued: 0 });
    }));
});
