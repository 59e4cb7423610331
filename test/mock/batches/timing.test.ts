import { describe, expect, it } from 'vitest';
import type { MockServer } from '../../../src/mock/index.js';
import { chatJsonl, createBatch, jsonOf, postJson, rawRequest, startTestServer, waitForBatch } from '../support.js';

/** Blocks this process's event loop (and so the in-process mock's timers) for `ms`. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

const get = async (server: MockServer, id: string): Promise<Record<string, any>> =>
  jsonOf(await rawRequest(server.url, { path: `/v1/batches/${id}` }));

describe('batch phases follow the clock, not late timers', () => {
  it('many concurrent batches on a busy event loop: in_progress_at − created_at = validating, completed_at − finalizing_at = finalizing', async () => {
    const server = await startTestServer({
      latency: { ttftMs: 2 },
      batch: { validatingMs: 150, finalizingMs: 100, msTimestamps: true },
    });
    // Blocks the loop 30 ms out of every 50 while the batches run: every timer fires late.
    const load = setInterval(() => busy(30), 50);
    try {
      const created = await Promise.all(Array.from({ length: 40 }, () => createBatch(server, chatJsonl(5))));
      expect(created.every((b) => b.status === 'validating' && b.in_progress_at === null)).toBe(true);
      // The (tiny) inputs are read; then past the end of validating for every batch, with none of their timers able to fire.
      await new Promise((r) => setTimeout(r, 40));
      busy(400);
      const seen = await Promise.all(created.map((b) => get(server, b.id)));
      expect(seen.filter((b) => b.status === 'validating')).toEqual([]);
      const done = await Promise.all(created.map((b) => waitForBatch(server, b.id)));
      for (const batch of done) {
        expect(batch.status).toBe('completed');
        expect(batch.request_counts).toEqual({ total: 5, completed: 5, failed: 0 });
        expect(batch.in_progress_at - batch.created_at).toBeCloseTo(0.15, 3);
        expect(batch.completed_at - batch.finalizing_at).toBeCloseTo(0.1, 3);
        expect(batch.finalizing_at).toBeGreaterThanOrEqual(batch.in_progress_at);
        for (const key of ['failed_at', 'expired_at', 'cancelling_at', 'cancelled_at']) expect(batch[key]).toBeNull();
      }
    } finally {
      clearInterval(load);
      await server.close();
    }
  });

  it('a cancel on a busy event loop: cancelled_at − cancelling_at = cancelling', async () => {
    const server = await startTestServer({
      latency: { ttftMs: 20 },
      batch: { validatingMs: 10, cancellingMs: 120, lineConcurrency: 1, msTimestamps: true },
    });
    try {
      const created = await createBatch(server, chatJsonl(30));
      await new Promise((r) => setTimeout(r, 60));
      const cancelling = jsonOf<Record<string, any>>(await postJson(server, `/v1/batches/${created.id}/cancel`, {}));
      expect(cancelling.status).toBe('cancelling');
      busy(300);
      const batch = await waitForBatch(server, created.id);
      expect(batch.cancelled_at - batch.cancelling_at).toBeCloseTo(0.12, 3);
      expect(batch.in_progress_at - batch.created_at).toBeCloseTo(0.01, 3);
      expect(batch.completed_at).toBeNull();
      expect(batch.request_counts.completed).toBeGreaterThan(0);
      expect(batch.request_counts.completed + batch.request_counts.failed).toBe(30);
    } finally {
      await server.close();
    }
  });

  it('sends whole Unix seconds unless msTimestamps is set', async () => {
    const server = await startTestServer();
    try {
      const batch = await waitForBatch(server, (await createBatch(server, chatJsonl(2))).id);
      for (const key of ['created_at', 'in_progress_at', 'finalizing_at', 'completed_at', 'expires_at']) {
        expect(Number.isInteger(batch[key])).toBe(true);
      }
      expect(Math.abs(batch.created_at - Date.now() / 1000)).toBeLessThan(5);
    } finally {
      await server.close();
    }
  });
});
