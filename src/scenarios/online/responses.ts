/** `responses`: one POST /v1/responses per iteration, streaming or not. */
import type { RunConfig } from '../../config/types.js';
import type { HttpResponseView } from '../../http/client.js';
import { SseParser } from '../../http/sse.js';
import type { IterationOutcome, Scenario, ScenarioContext } from '../types.js';
import type { StreamResult } from './chat.js';
import { checkResponseObject, fail, parseChunk, REASONS, responsesUsageTokens } from './checks.js';
import { responsesBody } from './payloads.js';
import { recordOutputTokens, recordOverheadHeader, recordStream, StreamTimer } from './stream-metrics.js';
import { HeaderCache, JSON_HEADERS, SSE_HEADERS, VariantSet, type Variant } from './variants.js';

/** Reads a Responses event stream to `response.completed`, timing output_text deltas. */
export async function readResponsesStream(res: HttpResponseView): Promise<StreamResult> {
  const timer = new StreamTimer(res.startedAtMs);
  let done = false;
  let usageTokens: number | undefined;
  const parser = new SseParser((ev) => {
    // some servers close with `data: [DONE]` anyway; tolerated, it proves nothing
    if (done || ev.data === '[DONE]') return;
    const chunk = parseChunk(ev.data);
    const type = typeof chunk.type === 'string' ? chunk.type : ev.event;
    switch (type) {
      case 'response.output_text.delta':
        if (typeof chunk.delta === 'string' && chunk.delta.length > 0) timer.content();
        break;
      case 'response.completed':
      case 'response.incomplete': {
        // checkResponseObject accepts `incomplete` only when cut by the token limit
        const response = chunk.response ?? {};
        checkResponseObject(response, false);
        usageTokens = responsesUsageTokens((response as { usage?: unknown }).usage);
        done = true;
        break;
      }
      case 'response.failed':
      case 'error':
        fail(REASONS.errorEvent);
        break;
      default:
        if (chunk.error !== undefined && chunk.error !== null && type === undefined) fail(REASONS.errorEvent);
    }
  });
  for await (const bytes of res.body) parser.push(bytes as Buffer);
  parser.end();
  timer.end();
  if (!done) fail(REASONS.noCompleted);
  if (timer.deltas === 0) fail(REASONS.emptyContent);
  return { timer, usageTokens };
}

export function createResponsesScenario(config: RunConfig): Scenario {
  const variants = new VariantSet(config, 'responses', 'POST', '/responses', (s) => responsesBody(config.payload, s), {
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
        intendedStartMs: ctx.scheduledAtMs,
      },
      async (res): Promise<StreamResult | number | undefined> => {
        header = res.header(overheadHeader);
        if (v.stream) return readResponsesStream(res);
        return checkResponseObject(await res.body.json());
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
    name: 'responses',
    run: (ctx) => runOnce(ctx, variants.pick(ctx.random)),
  };
}
