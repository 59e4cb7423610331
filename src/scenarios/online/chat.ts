/** `chat`: one POST /v1/chat/completions per iteration, streaming or not (--stream ratio). */
import type { RunConfig } from '../../config/types.js';
import type { HttpResponseView } from '../../http/client.js';
import { SseParser } from '../../http/sse.js';
import type { Scenario } from '../types.js';
import { chatChunkContent, chatUsageTokens, checkChatCompletion, fail, parseChunk, REASONS } from './checks.js';
import { chatBody } from './payloads.js';
import { StreamTimer } from './stream-metrics.js';
import { createGenerationScenario, type StreamResult } from './generation.js';

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
  return createGenerationScenario(config, {
    name: 'chat',
    apiPath: '/chat/completions',
    body: (stream) => chatBody(config.payload, stream),
    readStream: readChatStream,
    checkJson: checkChatCompletion,
  });
}
