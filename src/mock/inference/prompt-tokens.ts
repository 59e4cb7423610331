import { approxTokens } from '../../util/tokens.js';
import { contentText } from './text.js';

/**
 * Prompt token counts, one rule for every endpoint (src/util/tokens.ts: one token per 4
 * characters, rounded up), applied to the request's whole prompt text, so `batch-load data`'s
 * requested prompt lengths and the mock's usage agree:
 * - chat: the messages' text contents, concatenated;
 * - responses: `instructions` followed by the input text (a string, or the items' text contents);
 * - completions and embeddings: each prompt/input string on its own, summed over an array;
 *   a token array counts its length.
 * Anything else in the body (roles, model, JSON syntax) is not counted.
 */
export function chatPromptTokens(messages: readonly unknown[]): number {
  let text = '';
  for (const message of messages) {
    if (typeof message === 'object' && message !== null) text += contentText((message as { content?: unknown }).content);
  }
  return approxTokens(text);
}

export function responsesPromptTokens(input: unknown, instructions: string | null): number {
  let text = instructions ?? '';
  if (typeof input === 'string') text += input;
  else if (Array.isArray(input)) {
    for (const item of input) {
      if (typeof item === 'string') text += item;
      else if (typeof item === 'object' && item !== null) text += contentText((item as { content?: unknown }).content);
    }
  }
  return approxTokens(text);
}

/** A completions `prompt` or an embeddings `input`: a string, strings, a token array, or token arrays. */
export function listPromptTokens(value: unknown): number {
  if (typeof value === 'string') return approxTokens(value);
  if (!Array.isArray(value)) return 0;
  if (value.every((x) => typeof x === 'number')) return value.length;
  let tokens = 0;
  for (const item of value) {
    if (typeof item === 'string') tokens += approxTokens(item);
    else if (Array.isArray(item)) tokens += item.length;
  }
  return tokens;
}

/** The prompt tokens of one batch line's body, by the batch's endpoint (0 for a shape it does not know). */
export function promptTokensOf(endpoint: string, body: Record<string, unknown>): number {
  switch (endpoint) {
    case '/v1/chat/completions':
      return Array.isArray(body.messages) ? chatPromptTokens(body.messages) : 0;
    case '/v1/responses':
      return responsesPromptTokens(body.input, typeof body.instructions === 'string' ? body.instructions : null);
    case '/v1/completions':
      return listPromptTokens(body.prompt);
    case '/v1/embeddings':
      return listPromptTokens(body.input);
    default:
      return 0;
  }
}
