/** `responses`: one POST /v1/responses per iteration, streaming or not. */
import type { RunConfig } from '../../config/types.js';
import type { HttpResponseView } from '../../http/client.js';
import { SseParser } from '../../http/sse.js';
import type { Scenario } from '../types.js';
import { checkResponseObject, fail, parseChunk, REASONS, responsesUsageTokens } from './checks.js';
import { responsesBody } from './payloads.js';
import { StreamTimer } from './stream-metrics.js';
import { createGenerationScenario, type StreamResult } from './generation.js';

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
  return createGenerationScenario(config, {
    name: 'responses',
    apiPath: '/responses',
    body: (stream) => responsesBody(config.payload, stream),
    readStream: readResponsesStream,
    checkJson: checkResponseObject,
  });
}
