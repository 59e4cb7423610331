import type { FaultPlan } from '../faults/faults.js';
import { HttpError, rateLimited, serverError } from '../http/errors.js';
import type { InferenceEndpoint } from '../inference/deps.js';
import type { SequentialIds } from '../util/ids.js';
import type { Rng } from '../util/rng.js';

/** The outcome of one batch line: which file it goes to, and its line of JSON. */
export interface LineOutcome {
  ok: boolean;
  line: string;
  /** For stats: "200", "500", "request_timeout", ... */
  statusKey: string;
  usage?: { inputTokens: number; outputTokens: number };
}

export interface LineRequest {
  customId: string;
  body: Record<string, unknown>;
}

export type NonHttpFailure = 'batch_expired' | 'batch_cancelled' | 'request_timeout';

const FAILURE_MESSAGES: Record<NonHttpFailure, string> = {
  batch_expired: 'This request could not be executed before the completion window expired.',
  batch_cancelled: 'This request was not executed because the batch was cancelled.',
  request_timeout: 'The request timed out.',
};

/**
 * Runs batch lines through the same inference core and the same per-route faults as the online
 * endpoint: a 500 fault becomes an error-file line with status_code 500, a 429 one with 429,
 * a reset or hang becomes `request_timeout`, a truncated or malformed body a 500.
 */
export class BatchLineRunner {
  constructor(
    private readonly ids: SequentialIds,
    private readonly faultRng: Rng,
    private readonly retryAfterSeconds: number,
  ) {}

  async run(endpoint: InferenceEndpoint, faults: FaultPlan, request: LineRequest): Promise<LineOutcome> {
    const customId = JSON.stringify(request.customId);
    const fault = faults.draw(this.faultRng);
    if (fault === 'reset' || fault === 'hang') return this.failure(customId, 'request_timeout');
    try {
      if (fault === 'error500' || fault === 'truncated' || fault === 'malformed') throw serverError();
      if (fault === 'error429') throw rateLimited(this.retryAfterSeconds);
      const result = await endpoint.complete(request.body);
      return {
        ok: result.status < 400,
        line: this.responseLine(customId, result.status, result.body),
        statusKey: String(result.status),
        usage: result.usage,
      };
    } catch (err) {
      const error = err instanceof HttpError ? err : serverError();
      return { ok: false, line: this.responseLine(customId, error.status, error.toJson()), statusKey: String(error.status) };
    }
  }

  /** A line that never reached the model (expired, cancelled, timed out). */
  failure(customIdJson: string, code: NonHttpFailure): LineOutcome {
    const error = JSON.stringify({ code, message: FAILURE_MESSAGES[code] });
    return { ok: false, line: `{"id":"batch_req_${this.ids.next()}","custom_id":${customIdJson},"response":null,"error":${error}}`, statusKey: code };
  }

  private responseLine(customIdJson: string, status: number, body: string): string {
    const id = this.ids.next();
    return `{"id":"batch_req_${id}","custom_id":${customIdJson},"response":{"status_code":${status},"request_id":"req_${id}","body":${body}},"error":null}`;
  }
}
