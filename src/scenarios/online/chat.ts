/** `chat`: one POST /v1/chat/completions per iteration, streaming or not (--stream ratio). */
import type { RunConfig } from '../../config/types.js';
import type { HttpResponseView } from '../../http/client.js';
import { SseParser } from '../../http/sse.js';
import type { IterationOutcome, Scenario, ScenarioContext } from '../types.js';
import { chatChunkContent, chatUsageTokens, checkChatCompletion, fail, parseChunk, REASONS } from './checks.js';
import { chatBody } from './payloads.js';
import { recordOutputTokens, recordOverheadHeader, recordStream, StreamTimer } from './stream-metrics.js';
import { HeaderCache, JSON_HEADERS, SSE_HEADERS, VariantSet, type Variant } from './variants.js';

export interface StreamResult {
  timer: StreamTimer;
  /** the server's output token count, when it sent usage */
  usageTokens?: number;
}

/** Reads a chat completion SSE stream to `[DONE]`, timing content deltas. */
export async function readChatStream(res: HttpResponseView): Promise<StreamResult> {
  const timer = new StreamTimer(res.startedAtMs);
  let done = false;
  let usageTokens: number | undefined;
  const parser = new SseParser((ev) => {
    if (done) return;
    if (ev.data === '[DONE]') {
      done = true;
      return;
    }
    const chunk = parseChunk(ev.data);
    const content = chatChunkContent(chunk);
    if (content.length > 0) timer.content();
    if (chunk.usage !== undefined && chunk.usage !== null) usageTokens = chatUsageTokens(chunk.usage);
  });
  for await (const bytes of res.body) parser.push(bytes as Buffer);
  parser.end();
  timer.end();
  if (!done) fail(REASONS.noDone);
  if (timer.deltas === 0) fail(REASONS.emptyContent);
  return { timer, usageTokens };
}

export function createChatScenario(config: RunConfig): Scenario {
  const variants = new VariantSet(config, 'chat', 'POST', '/chat/completions', (s) => chatBody(config.payload, s), {
    streams: true,
  });
  const jsonHeaders = new HeaderCache(JSON_HEADERS);
  const sseHeaders = new HeaderCache(SSE_HEADERS);
  const overheadHeader = config.target.overheadHeader.toLowerCase();

  async function runOnce(ctx: ScenarioContext, v: Variant): Promise<IterationOutcome> {
    let header: string | string[] | undefined;
    const out = await ctx.http.call(
      {
        name: v.name,
        method: 'POST',
        url: v.url,
        headers: (v.stream ? sseHeaders : jsonHeaders).get(ctx),
        body: v.body.render(),
        // open model: latency (and TTFT) count from the intended start
        intendedStartMs: ctx.scheduledAtMs,
      },
      async (res): Promise<StreamResult | number | undefined> => {
        header = res.header(overheadHeader);
        if (v.stream) return readChatStream(res);
        return checkChatCompletion(await res.body.json());
      },
    );
    if (!out.ok) return { ok: false, reason: out.error };
    const rec = ctx.recorder;
    const value = out.value;
    if (typeof value === 'object') recordStream(rec, v.metrics, value.timer, value.usageTokens);
    else if (value !== undefined) recordOutputTokens(rec, v.metrics, value, 'usage', out.durationMs);
    if (!v.baseline) recordOverheadHeader(rec, header);
    return { ok: true };
  }

  return {
    name: 'chat',
    run: (ctx) => runOnce(ctx, variants.pick(ctx.random)),
  };
}
