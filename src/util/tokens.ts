/**
 * Token counts without a tokenizer: one token per 4 characters, rounded up (OpenAI's rule of thumb
 * for English text). The mock counts prompt tokens with it and `batch-load data` sizes prompts
 * with it, so a generated file's requested lengths and the mock's usage agree exactly.
 */
export const CHARS_PER_TOKEN = 4;

export function approxTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}
