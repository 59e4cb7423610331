/**
 * Response validation for the online scenarios. Each check throws CheckFailure with a
 * low-cardinality reason (the report groups failures by it) and returns what the scenario
 * records: the server's token count when it sent one.
 */
import { CheckFailure } from '../../http/errors.js';

export const REASONS = {
  noDone: 'stream ended without [DONE]',
  noCompleted: 'stream ended without response.completed',
  errorEvent: 'stream error event',
  nonJson: 'non-JSON chunk',
  noChoices: 'no choices',
  emptyContent: 'empty content',
  noOutput: 'no output',
  badShape: 'unexpected response shape',
  embeddingsCount: 'embeddings count mismatch',
  embeddingsDimension: 'embeddings dimension mismatch',
  usageInconsistent: 'usage inconsistent',
  truncated: 'stream truncated mid-event',
  errorBody: 'error in body',
} as const;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function fail(reason: string): never {
  throw new CheckFailure(reason);
}

/** Parses one SSE data payload; anything that isn't a JSON object fails the request. */
export function parseChunk(data: string): Json {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    fail(REASONS.nonJson);
  }
  if (!isObject(v)) fail(REASONS.nonJson);
  return v;
}

/**
 * Output tokens of a usage object, or undefined when the server sent none. Inconsistent usage
 * (non-integers, total ≠ input + output) fails. Chat names the fields prompt/completion,
 * Responses input/output.
 */
function usageOutputTokens(usage: unknown, inputKey: string, outputKey: string): number | undefined {
  if (usage === undefined || usage === null) return undefined;
  if (!isObject(usage)) fail(REASONS.usageInconsistent);
  const input = usage[inputKey];
  const output = usage[outputKey];
  const total = usage.total_tokens;
  if (!isCount(output) || (input !== undefined && !isCount(input)) || (total !== undefined && !isCount(total))) {
    fail(REASONS.usageInconsistent);
  }
  if (isCount(input) && isCount(total) && total !== input + output) fail(REASONS.usageInconsistent);
  return output;
}

/** Chat usage `{prompt_tokens, completion_tokens, total_tokens}`: the completion count. */
export const chatUsageTokens = (usage: unknown) => usageOutputTokens(usage, 'prompt_tokens', 'completion_tokens');

/** Responses usage `{input_tokens, output_tokens, total_tokens}`: the output count. */
export const responsesUsageTokens = (usage: unknown) => usageOutputTokens(usage, 'input_tokens', 'output_tokens');

/** A non-streaming chat completion: choices with content (or tool calls), sane usage. */
export function checkChatCompletion(body: unknown): number | undefined {
  if (!isObject(body)) fail(REASONS.badShape);
  if (body.error !== undefined && body.error !== null) fail(REASONS.errorBody);
  const choices = body.choices;
  if (!Array.isArray(choices) || choices.length === 0) fail(REASONS.noChoices);
  const msg = isObject(choices[0]) ? choices[0].message : undefined;
  if (!isObject(msg)) fail(REASONS.noChoices);
  const hasText = typeof msg.content === 'string' && msg.content.length > 0;
  const hasTools = Array.isArray(msg.tool_calls) && msg.tool_calls.length > 0;
  if (!hasText && !hasTools) fail(REASONS.emptyContent);
  return chatUsageTokens(body.usage);
}

/** Content deltas of one chat chunk, summed over its choices; throws on an error chunk. */
export function chatChunkContent(chunk: Json): string {
  if (chunk.error !== undefined && chunk.error !== null) fail(REASONS.errorEvent);
  const choices = chunk.choices;
  if (!Array.isArray(choices)) {
    if (chunk.usage !== undefined) return '';
    fail(REASONS.badShape);
  }
  if (choices.length === 1) {
    const d = isObject(choices[0]) ? choices[0].delta : undefined;
    return isObject(d) && typeof d.content === 'string' ? d.content : '';
  }
  let out = '';
  for (const c of choices) {
    const d = isObject(c) ? c.delta : undefined;
    if (isObject(d) && typeof d.content === 'string') out += d.content;
  }
  return out;
}

/** Max-token cut-offs are a normal end for a load test, not a failure. */
function isTokenLimitIncomplete(resp: Json): boolean {
  const d = resp.incomplete_details;
  return isObject(d) && (d.reason === 'max_output_tokens' || d.reason === 'max_tokens');
}

/** A non-streaming (or the final streamed) Responses object; returns usage output_tokens. */
export function checkResponseObject(body: unknown, requireText = true): number | undefined {
  if (!isObject(body)) fail(REASONS.badShape);
  if (body.error !== undefined && body.error !== null) fail(REASONS.errorBody);
  const status = body.status;
  if (status !== undefined && status !== 'completed') {
    if (!(status === 'incomplete' && isTokenLimitIncomplete(body))) {
      fail(`response ${typeof status === 'string' && /^[a-z_]{1,24}$/.test(status) ? status : 'not completed'}`);
    }
  }
  if (requireText) {
    const output = body.output;
    if (!Array.isArray(output) || output.length === 0) fail(REASONS.noOutput);
    let text = false;
    for (const item of output) {
      if (!isObject(item) || !Array.isArray(item.content)) continue;
      for (const part of item.content) {
        if (isObject(part) && typeof part.text === 'string' && part.text.length > 0) text = true;
      }
    }
    if (!text) fail(REASONS.emptyContent);
  }
  return responsesUsageTokens(body.usage);
}

export interface EmbeddingsExpectation {
  /** number of inputs sent (1 for a single string) */
  count: number;
  /** the requested `dimensions`, when set */
  dimensions?: number;
}

/** Dimension of one embedding: array length, or float32 count of a base64 string. */
function dimensionOf(embedding: unknown): number {
  if (Array.isArray(embedding)) {
    for (let i = 0; i < embedding.length; i++) {
      if (typeof embedding[i] !== 'number') fail(REASONS.badShape);
    }
    return embedding.length;
  }
  if (typeof embedding === 'string') {
    const bytes = Buffer.byteLength(embedding, 'base64');
    if (bytes % 4 !== 0) fail(REASONS.embeddingsDimension);
    return bytes / 4;
  }
  return fail(REASONS.badShape);
}

/** Embeddings list: one vector per input, all of one non-zero dimension, sane usage. */
export function checkEmbeddings(body: unknown, expect: EmbeddingsExpectation): number {
  if (!isObject(body)) fail(REASONS.badShape);
  const data = body.data;
  if (!Array.isArray(data)) fail(REASONS.badShape);
  if (data.length !== expect.count) fail(REASONS.embeddingsCount);
  let dim = -1;
  for (const item of data) {
    if (!isObject(item)) fail(REASONS.badShape);
    const d = dimensionOf(item.embedding);
    if (d === 0 || (dim !== -1 && d !== dim)) fail(REASONS.embeddingsDimension);
    dim = d;
  }
  if (expect.dimensions !== undefined && dim !== expect.dimensions) fail(REASONS.embeddingsDimension);
  const usage = body.usage;
  if (usage !== undefined && usage !== null) {
    if (!isObject(usage) || !isCount(usage.prompt_tokens)) fail(REASONS.usageInconsistent);
    if (usage.total_tokens !== undefined && !(isCount(usage.total_tokens) && usage.total_tokens >= usage.prompt_tokens)) {
      fail(REASONS.usageInconsistent);
    }
  }
  return dim;
}
