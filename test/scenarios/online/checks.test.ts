import { describe, expect, it } from 'vitest';
import { CheckFailure } from '../../../src/http/errors.js';
import {
  chatChunkContent,
  chatUsageTokens,
  checkChatCompletion,
  checkEmbeddings,
  checkResponseObject,
  parseChunk,
  REASONS,
} from '../../../src/scenarios/online/checks.js';

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(CheckFailure);
    return (e as Error).message;
  }
}

const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };

describe('checks', () => {
  it('chat completion: choices, content, usage', () => {
    expect(checkChatCompletion({ choices: [{ message: { content: 'hi' } }], usage })).toBe(3);
    expect(checkChatCompletion({ choices: [{ message: { content: 'hi' } }] })).toBeUndefined();
    expect(reason(() => checkChatCompletion({ choices: [] }))).toBe(REASONS.noChoices);
    expect(reason(() => checkChatCompletion({}))).toBe(REASONS.noChoices);
    expect(reason(() => checkChatCompletion({ choices: [{ message: { content: '' } }] }))).toBe(REASONS.emptyContent);
    expect(reason(() => checkChatCompletion({ choices: [{ message: { content: 'x' } }], usage: { ...usage, total_tokens: 9 } }))).toBe(
      REASONS.usageInconsistent,
    );
    expect(reason(() => chatUsageTokens({ completion_tokens: -1 }))).toBe(REASONS.usageInconsistent);
    expect(reason(() => checkChatCompletion([1]))).toBe(REASONS.badShape);
  });

  it('chat chunks: content, error key, non-JSON', () => {
    expect(chatChunkContent(parseChunk('{"choices":[{"delta":{"content":"a"}}]}'))).toBe('a');
    expect(chatChunkContent(parseChunk('{"choices":[],"usage":{"completion_tokens":1}}'))).toBe('');
    expect(reason(() => chatChunkContent(parseChunk('{"error":{"message":"boom"}}')))).toBe(REASONS.errorEvent);
    expect(reason(() => parseChunk('{"choices":[{"de'))).toBe(REASONS.nonJson);
    expect(reason(() => parseChunk('42'))).toBe(REASONS.nonJson);
  });

  it('responses object: status, output text, usage; token-limit incomplete passes', () => {
    const ok = { status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: 'x' }] }], usage: { input_tokens: 2, output_tokens: 1, total_tokens: 3 } };
    expect(checkResponseObject(ok)).toBe(1);
    expect(checkResponseObject({ ...ok, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } })).toBe(1);
    expect(reason(() => checkResponseObject({ ...ok, status: 'failed' }))).toBe('response failed');
    expect(reason(() => checkResponseObject({ ...ok, output: [] }))).toBe(REASONS.noOutput);
    expect(reason(() => checkResponseObject({ ...ok, output: [{ content: [{ text: '' }] }] }))).toBe(REASONS.emptyContent);
    expect(reason(() => checkResponseObject({ ...ok, usage: { input_tokens: 2, output_tokens: 1, total_tokens: 4 } }))).toBe(
      REASONS.usageInconsistent,
    );
  });

  it('embeddings: count, dimension (float and base64), usage', () => {
    const vec = (n: number) => Array.from({ length: n }, () => 0.5);
    const b64 = (n: number) => Buffer.alloc(4 * n).toString('base64');
    const body = (data: unknown[]) => ({ data: data.map((embedding, index) => ({ index, embedding })), usage: { prompt_tokens: 4, total_tokens: 4 } });
    expect(checkEmbeddings(body([vec(8), vec(8)]), { count: 2 })).toBe(8);
    expect(checkEmbeddings(body([b64(16)]), { count: 1, dimensions: 16 })).toBe(16);
    expect(reason(() => checkEmbeddings(body([vec(8)]), { count: 2 }))).toBe(REASONS.embeddingsCount);
    expect(reason(() => checkEmbeddings(body([vec(8), vec(7)]), { count: 2 }))).toBe(REASONS.embeddingsDimension);
    expect(reason(() => checkEmbeddings(body([vec(8)]), { count: 1, dimensions: 4 }))).toBe(REASONS.embeddingsDimension);
    expect(reason(() => checkEmbeddings(body([vec(0)]), { count: 1 }))).toBe(REASONS.embeddingsDimension);
    expect(reason(() => checkEmbeddings({ ...body([vec(2)]), usage: { prompt_tokens: 'x' } }, { count: 1 }))).toBe(REASONS.usageInconsistent);
  });
});
