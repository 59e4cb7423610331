import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatScenario } from '../../../src/scenarios/online/chat.js';
import { createEmbeddingsScenario } from '../../../src/scenarios/online/embeddings.js';
import { createHealthScenario } from '../../../src/scenarios/online/health.js';
import { createResponsesScenario } from '../../../src/scenarios/online/responses.js';
import type { Scenario } from '../../../src/scenarios/types.js';
import { chatChunk, lcg, makeConfig, makeRig, rawServer, sse, type RawServer } from './fixtures.js';

/** What the raw server sends for the next request (set by each test). */
let mode = 'ok';
let seenPaths: string[] = [];
const usage = { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 };

function streamHead(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-litellm-overhead-duration-ms': '1.5' });
}

function chatStream(res: ServerResponse, body: string): void {
  streamHead(res);
  const wantsUsage = (JSON.parse(body) as { stream_options?: { include_usage?: boolean } }).stream_options?.include_usage;
  res.write(chatChunk('', { choices: [{ index: 0, delta: { role: 'assistant', content: '' } }] }));
  for (const w of ['a', 'b', 'c', 'd']) res.write(chatChunk(w));
  if (mode === 'cut') {
    // once the head and chunks are on the wire (else the destroy drops them unsent)
    res.write(chatChunk('e'), () => res.socket?.destroy());
    return;
  }
  res.write(chatChunk('e'));
  if (mode === 'error-event') res.write(sse({ error: { message: 'upstream failed', type: 'server_error' } }));
  if (mode === 'non-json') res.write('data: {"choices":[{"delta":{"content":"x"\n\n');
  res.write(chatChunk(undefined, { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }));
  if (wantsUsage && mode !== 'no-usage') res.write(sse({ choices: [], usage }));
  if (mode !== 'no-done') res.write(sse('[DONE]'));
  res.end();
}

function responsesStream(res: ServerResponse): void {
  streamHead(res);
  const ev = (type: string, extra: Record<string, unknown> = {}) => `event: ${type}\n${sse({ type, ...extra })}`;
  res.write(ev('response.created', { response: { status: 'in_progress' } }));
  for (const d of ['x', 'y', 'z']) res.write(ev('response.output_text.delta', { delta: d }));
  if (mode === 'failed') res.write(ev('response.failed', { response: { status: 'failed' } }));
  if (mode === 'error-event') res.write(ev('error', { message: 'bad' }));
  // an error chunk with neither `type` nor an `event:` line
  if (mode === 'bare-error') res.write(sse({ error: { message: 'upstream failed', type: 'server_error' } }));
  if (mode !== 'no-completed') {
    res.write(ev('response.completed', { response: { status: 'completed', usage: { input_tokens: 2, output_tokens: 3, total_tokens: 5 } } }));
  }
  res.end();
}

let server: RawServer;
let baseline: RawServer;

beforeAll(async () => {
  server = await rawServer((req, res, body) => {
    seenPaths.push(`${req.method} ${req.url}`);
    const stream = body.includes('"stream":true');
    if (req.url === '/health') return void res.end('ok');
    if (req.url?.endsWith('/chat/completions')) {
      if (stream) return chatStream(res, body);
      res.writeHead(200, { 'content-type': 'application/json', 'x-litellm-overhead-duration-ms': '2.25' });
      const choices = mode === 'no-choices' ? [] : [{ index: 0, message: { role: 'assistant', content: 'hello' } }];
      return void res.end(JSON.stringify({ choices, usage }));
    }
    if (req.url?.endsWith('/responses')) {
      if (stream) return responsesStream(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(
        JSON.stringify({ status: 'completed', output: [{ content: [{ type: 'output_text', text: 'hi' }] }], usage: { input_tokens: 1, output_tokens: 4, total_tokens: 5 } }),
      );
    }
    if (req.url?.endsWith('/embeddings')) {
      const n = (JSON.parse(body) as { input: unknown }).input instanceof Array ? 3 : 1;
      const data = Array.from({ length: mode === 'short' ? n - 1 : n }, (_, index) => ({ index, embedding: [0.1, 0.2, 0.3] }));
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ data, usage: { prompt_tokens: 3, total_tokens: 3 } }));
    }
    res.writeHead(404).end();
  });
  baseline = await rawServer((req, res) => {
    seenPaths.push(`baseline ${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ choices: [{ message: { content: 'direct' } }], usage }));
  });
});

afterAll(async () => {
  await server.close();
  await baseline.close();
});

async function runOnce(make: (c: ReturnType<typeof makeConfig>) => Scenario, m: string, stream: number) {
  mode = m;
  const config = makeConfig(server.url, (c) => (c.payload.streamRatio = stream));
  const rig = makeRig(config);
  const outcome = await make(config).run(rig.ctx());
  const snap = rig.recorder.snapshot();
  await rig.close();
  return { outcome, snap };
}

describe('chat scenario', () => {
  it('streams: TTFT, ITL per delta gap, tokens from usage, overhead header', async () => {
    const { outcome, snap } = await runOnce(createChatScenario, 'ok', 1);
    expect(outcome).toEqual({ ok: true });
    expect(snap.requests['POST /v1/chat/completions [chat stream]']!.count).toBe(1);
    expect(snap.trends.ttft!.count).toBe(1);
    expect(snap.trends['ttft:chat']!.count).toBe(1);
    expect(snap.trends.itl!.count).toBe(4);
    expect(snap.trends.tpot!.count).toBe(1);
    expect(snap.trends.e2e!.count).toBe(1);
    expect(snap.counters.output_tokens_total).toBe(5);
    expect(snap.counters.output_tokens_counted_total).toBe(5);
    expect(snap.counters['output_tokens_source:usage']).toBe(1);
    expect(snap.counters['output_tokens_source:usage:chat']).toBe(1);
    expect(snap.trends.overhead_header!.p50).toBeCloseTo(1.5, 2);
  });

  it('falls back to counted deltas when the stream carries no usage', async () => {
    const { outcome, snap } = await runOnce(createChatScenario, 'no-usage', 1);
    expect(outcome.ok).toBe(true);
    expect(snap.counters['output_tokens_source:counted']).toBe(1);
    expect(snap.counters.output_tokens_total).toBe(5);
  });

  for (const [m, reason] of [
    ['no-done', 'stream ended without [DONE]'],
    ['error-event', 'stream error event'],
    ['non-json', 'non-JSON chunk'],
  ] as const) {
    it(`fails a stream with ${m} as "${reason}", recorded once, no LLM metrics`, async () => {
      const { outcome, snap } = await runOnce(createChatScenario, m, 1);
      expect(outcome).toEqual({ ok: false, reason });
      expect(snap.aggregated.count).toBe(1);
      expect(snap.failures).toEqual([expect.objectContaining({ error: reason, occurrences: 1 })]);
      expect(snap.trends.ttft).toBeUndefined();
    });
  }

  it('a stream cut mid-way is one failure, `truncated body`', async () => {
    const { outcome, snap } = await runOnce(createChatScenario, 'cut', 1);
    expect(outcome).toEqual({ ok: false, reason: 'truncated body' });
    expect(snap.aggregated.failures).toBe(1);
    expect(snap.aggregated.count).toBe(1);
  });

  it('non-streaming: usage tokens, overhead header, "no choices"', async () => {
    const ok = await runOnce(createChatScenario, 'ok', 0);
    expect(ok.outcome.ok).toBe(true);
    expect(ok.snap.requests['POST /v1/chat/completions [chat]']!.count).toBe(1);
    expect(ok.snap.counters.output_tokens_total).toBe(5);
    expect(ok.snap.trends.overhead_header!.p50).toBeCloseTo(2.25, 2);
    expect(ok.snap.trends.ttft).toBeUndefined();
    const bad = await runOnce(createChatScenario, 'no-choices', 0);
    expect(bad.outcome).toEqual({ ok: false, reason: 'no choices' });
  });

  it('a stream ratio mixes both variants; names use the base path', async () => {
    mode = 'ok';
    const config = makeConfig(server.url, (c) => {
      c.payload.streamRatio = 0.5;
      c.target.basePath = '/ai/v1';
    });
    seenPaths = [];
    const rig = makeRig(config, lcg(7));
    const s = createChatScenario(config);
    for (let i = 0; i < 40; i++) await s.run(rig.ctx());
    const snap = rig.recorder.snapshot();
    await rig.close();
    const plain = snap.requests['POST /ai/v1/chat/completions [chat]']!.count;
    const streamed = snap.requests['POST /ai/v1/chat/completions [chat stream]']!.count;
    expect(plain + streamed).toBe(40);
    expect(plain).toBeGreaterThan(5);
    expect(streamed).toBeGreaterThan(5);
    expect(new Set(seenPaths)).toEqual(new Set(['POST /ai/v1/chat/completions']));
  });

  it('baseline share goes to the baseline host with its own names and no overhead-header samples', async () => {
    mode = 'ok';
    const config = makeConfig(server.url, (c) => {
      c.target.baselineHost = baseline.url;
      c.target.baselineRatio = 0.5;
    });
    seenPaths = [];
    const rig = makeRig(config, lcg(3));
    const s = createChatScenario(config);
    for (let i = 0; i < 40; i++) await s.run(rig.ctx());
    const snap = rig.recorder.snapshot();
    await rig.close();
    const proxied = snap.requests['POST /v1/chat/completions [chat]']!.count;
    const direct = snap.requests['POST /v1/chat/completions [chat baseline]']!.count;
    expect(proxied + direct).toBe(40);
    expect(direct).toBe(seenPaths.filter((p) => p.startsWith('baseline')).length);
    expect(direct).toBeGreaterThan(5);
    expect(snap.trends.overhead_header!.count).toBe(proxied);
    expect(snap.counters['output_tokens_total:chat baseline']).toBe(direct * 5);
  });

  it('a per-scenario host wins over the global host', async () => {
    mode = 'ok';
    const config = makeConfig('http://127.0.0.1:9', (c) => (c.target.scenarioHosts.chat = server.url));
    const rig = makeRig(config);
    expect((await createChatScenario(config).run(rig.ctx())).ok).toBe(true);
    await rig.close();
  });
});

describe('responses scenario', () => {
  it('streams to response.completed with usage tokens', async () => {
    const { outcome, snap } = await runOnce(createResponsesScenario, 'ok', 1);
    expect(outcome).toEqual({ ok: true });
    expect(snap.requests['POST /v1/responses [responses stream]']!.count).toBe(1);
    expect(snap.trends['itl:responses']!.count).toBe(2);
    expect(snap.counters['output_tokens_total:responses']).toBe(3);
  });

  for (const [m, reason] of [
    ['no-completed', 'stream ended without response.completed'],
    ['failed', 'stream error event'],
    ['error-event', 'stream error event'],
    ['bare-error', 'stream error event'],
  ] as const) {
    it(`fails ${m} as "${reason}"`, async () => {
      const { outcome, snap } = await runOnce(createResponsesScenario, m, 1);
      expect(outcome).toEqual({ ok: false, reason });
      expect(snap.aggregated.failures).toBe(1);
    });
  }

  it('non-streaming response object', async () => {
    const { outcome, snap } = await runOnce(createResponsesScenario, 'ok', 0);
    expect(outcome.ok).toBe(true);
    expect(snap.counters.output_tokens_total).toBe(4);
  });
});

describe('embeddings and health', () => {
  it('embeddings list of 3 passes; a short list fails with the count reason', async () => {
    mode = 'ok';
    const config = makeConfig(server.url, (c) => (c.payload.embeddingInputs = 3));
    const rig = makeRig(config);
    const s = createEmbeddingsScenario(config);
    expect(await s.run(rig.ctx())).toEqual({ ok: true });
    mode = 'short';
    expect(await s.run(rig.ctx())).toEqual({ ok: false, reason: 'embeddings count mismatch' });
    expect(rig.recorder.snapshot().requests['POST /v1/embeddings [embeddings]']!.failures).toBe(1);
    await rig.close();
  });

  it('health is at the host root whatever the base path', async () => {
    const config = makeConfig(server.url, (c) => (c.target.basePath = '/ai/v1'));
    const rig = makeRig(config);
    seenPaths = [];
    expect(await createHealthScenario(config).run(rig.ctx())).toEqual({ ok: true });
    expect(seenPaths).toEqual(['GET /health']);
    expect(Object.keys(rig.recorder.snapshot().requests)).toEqual(['GET /health [health]']);
    await rig.close();
  });
});
