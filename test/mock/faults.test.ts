import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { MockServer } from '../../src/mock/index.js';
import { TEST_KEY, postJson, rawRequest, startTestServer } from './support.js';

type Outcome = '200' | '500' | '429' | 'reset' | 'hang' | 'truncated' | 'malformed';

/** One chat request, classified the way a client sees it. */
function classify(server: MockServer, body: object, path = '/v1/chat/completions'): Promise<{ outcome: Outcome; retryAfter?: string }> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: Outcome, retryAfter?: string): void => {
      if (!settled) {
        settled = true;
        resolve({ outcome, retryAfter });
      }
    };
    let responded = false;
    const req = request(
      `${server.url}${path}`,
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' } },
      (res) => {
        responded = true;
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('error', () => done('truncated'));
        res.on('aborted', () => done('truncated'));
        res.on('end', () => {
          if (res.statusCode !== 200) return done(String(res.statusCode) as Outcome, res.headers['retry-after'] as string | undefined);
          if (text.startsWith('data: ')) return done(text.endsWith('data: [DONE]\n\n') ? (text.includes('\u0000') ? 'malformed' : '200') : 'truncated');
          try {
            JSON.parse(text);
            done('200');
          } catch {
            done('malformed');
          }
        });
      },
    );
    req.setTimeout(300, () => {
      req.destroy();
      done('hang');
    });
    req.on('error', () => done(responded ? 'truncated' : 'reset'));
    req.end(JSON.stringify(body));
  });
}

const CHAT = { model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 4 };
const RATES = { error500: 0.15, error429: 0.15, reset: 0.1, hang: 0.05, truncated: 0.1, malformed: 0.1 };

async function runSeeded(seed: number, n: number): Promise<{ outcomes: Outcome[]; stats: Record<string, number> }> {
  const server = await startTestServer({ seed, faults: { global: RATES, retryAfterSeconds: 2 } });
  try {
    const outcomes: Outcome[] = [];
    for (let i = 0; i < n; i++) {
      const { outcome, retryAfter } = await classify(server, CHAT);
      if (outcome === '429') expect(retryAfter).toBe('2');
      outcomes.push(outcome);
    }
    return { outcomes, stats: server.stats().requests.byRoute['POST /v1/chat/completions']! };
  } finally {
    await server.close();
  }
}

describe('fault injection', () => {
  it('injects every fault kind; server counts match what the client saw; a seed reproduces the sequence', async () => {
    const first = await runSeeded(42, 60);
    const counts: Record<string, number> = {};
    for (const o of first.outcomes) counts[o] = (counts[o] ?? 0) + 1;
    expect(first.stats).toEqual(counts);
    for (const kind of ['200', '500', '429', 'reset', 'truncated', 'malformed']) expect(counts[kind], kind).toBeGreaterThan(0);
    const second = await runSeeded(42, 60);
    expect(second.outcomes).toEqual(first.outcomes);
    const other = await runSeeded(43, 60);
    expect(other.outcomes).not.toEqual(first.outcomes);
  });

  it('applies per-route rates over the global ones, and faults streams', async () => {
    const server = await startTestServer({
      seed: 1,
      faults: { global: { error500: 1 }, routes: { 'POST /v1/chat/completions': { error500: 0, truncated: 1 }, 'GET /ai/v1/models': { error500: 0 } } },
    });
    try {
      expect((await rawRequest(server.url, { path: '/v1/models' })).status).toBe(500);
      expect((await rawRequest(server.url, { path: '/ai/v1/models' })).status).toBe(200);
      expect((await rawRequest(server.url, { path: '/health' })).status).toBe(200);
      expect((await classify(server, CHAT)).outcome).toBe('truncated');
      expect((await classify(server, CHAT, '/ai/v1/chat/completions')).outcome).toBe('truncated');
      expect((await classify(server, { ...CHAT, stream: true })).outcome).toBe('truncated');
      const byRoute = server.stats().requests.byRoute;
      expect(byRoute['POST /v1/chat/completions']).toEqual({ truncated: 2 });
      expect(byRoute['GET /v1/models']).toEqual({ '500': 1 });
    } finally {
      await server.close();
    }
  });

  it('close() returns promptly with a hanging request open', async () => {
    const server = await startTestServer({ faults: { global: { hang: 1 } } });
    const pending = postJson(server, '/v1/chat/completions', CHAT).catch((err: Error) => err);
    for (let i = 0; i < 100 && !server.stats().requests.byRoute['POST /v1/chat/completions']; i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await pending).toBeInstanceOf(Error);
    expect(server.stats().requests.byRoute['POST /v1/chat/completions']).toEqual({ hang: 1 });
  });
});
