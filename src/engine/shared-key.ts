/**
 * The shared API key: created once via Basic auth at the admin endpoint, then sent as Bearer
 * by every user. `get()` is single-flight, so 1,000 users asking in the same tick still cause
 * exactly one creation (the Locust batch suite raced here). Failing to get a key is a StartError:
 * the run stops before any load instead of carrying on with Basic auth.
 */
import pRetry, { AbortError } from 'p-retry';
import { StartError } from '../config/errors.js';
import type { AuthConfig } from '../config/types.js';
import { readJson, type HttpCaller } from '../http/client.js';
import { CheckFailure, RUN_STOPPED } from '../http/errors.js';

/** The body the Locust batch suite sends; kept so admin endpoints that validate it accept ours. */
const KEY_REQUEST = { name: 'load-test', description: 'load test', purpose: 'platform', requests_per_second: 0, burst_size: 0 };

export class SharedApiKey {
  private pending?: Promise<string>;

  constructor(
    private readonly http: HttpCaller,
    private readonly auth: AuthConfig,
    /** absolute URL of the key endpoint */
    private readonly endpointUrl: string,
  ) {}

  get(): Promise<string> {
    this.pending ??= this.auth.apiKey ? Promise.resolve(this.auth.apiKey) : this.create();
    return this.pending;
  }

  private async create(): Promise<string> {
    const path = new URL(this.endpointUrl).pathname;
    const basic = Buffer.from(`${this.auth.basicAuthUsername}:${this.auth.basicAuthPassword}`).toString('base64');
    let lastError = '';
    const attempt = async () => {
      const res = await this.http.call(
        {
          name: `POST ${path} [api key]`,
          method: 'POST',
          url: this.endpointUrl,
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
          body: JSON.stringify(KEY_REQUEST),
          okStatus: (s) => s === 200 || s === 201,
        },
        async (r) => {
          const body = await readJson<{ key?: unknown }>(r.body);
          if (typeof body?.key !== 'string' || body.key === '') throw new CheckFailure('response has no `key` field');
          return body.key;
        },
      );
      if (res.ok) return res.value;
      lastError = res.error;
      // 4xx other than 429 will not get better by retrying, nor a run being stopped (SIGTERM)
      const retryable = res.error !== RUN_STOPPED && (res.status === undefined || res.status === 429 || res.status >= 500);
      throw retryable ? new Error(res.error) : new AbortError(res.error);
    };
    try {
      return await pRetry(attempt, { retries: 2, minTimeout: 300, factor: 2, randomize: true });
    } catch {
      throw new StartError(`could not create an API key at ${this.endpointUrl}: ${lastError} (set API_KEY to use an existing key)`);
    }
  }
}
