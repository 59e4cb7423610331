import type { BatchLineError } from './model.js';

/**
 * The Batch API's enqueued-token limit (`--max-enqueued-tokens`): per model, the prompt tokens of
 * the batches not yet terminal may not pass the limit. As on OpenAI, the create is accepted and the
 * batch that would pass the limit ends `failed` after validating, with `errors.data[0].code`
 * `token_limit_exceeded` (line and param null). A batch's tokens are released once it is terminal.
 */
export class EnqueuedTokens {
  private readonly byModel = new Map<string, number>();
  private readonly byBatch = new Map<string, { model: string; tokens: number }>();

  constructor(private readonly limit: number) {}

  /** Reserves the batch's tokens; the error to fail it with when that would pass the limit. */
  reserve(batchId: string, model: string | null, tokens: number): BatchLineError | null {
    if (this.limit <= 0) return null;
    const key = model ?? '';
    const enqueued = this.byModel.get(key) ?? 0;
    if (enqueued + tokens > this.limit) {
      return {
        code: 'token_limit_exceeded',
        message:
          `Enqueued token limit reached for ${model ?? 'this model'} in organization org-mock. ` +
          `Limit: ${this.limit.toLocaleString('en-US')} enqueued tokens. Please try again once some in_progress batches have been completed.`,
        param: null,
        line: null,
      };
    }
    this.byModel.set(key, enqueued + tokens);
    this.byBatch.set(batchId, { model: key, tokens });
    return null;
  }

  release(batchId: string): void {
    const held = this.byBatch.get(batchId);
    if (held === undefined) return;
    this.byBatch.delete(batchId);
    this.byModel.set(held.model, (this.byModel.get(held.model) ?? held.tokens) - held.tokens);
  }

  /** Tokens enqueued now, all models together. */
  get total(): number {
    let sum = 0;
    for (const tokens of this.byModel.values()) sum += tokens;
    return sum;
  }
}
