import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError, rateLimited } from '../http/errors.js';

const MAX_ISSUED_KEYS = 100_000;

/** API keys (issued + static) and the admin Basic credentials. Never logs or echoes a secret. */
export class AuthGate {
  private readonly keys = new Set<string>();
  private readonly expectedBasic: Buffer;

  constructor(
    readonly noAuth: boolean,
    adminUser: string,
    adminPassword: string,
    staticKeys: readonly string[],
    private readonly retryAfterSeconds = 1,
  ) {
    for (const key of staticKeys) this.keys.add(key);
    this.expectedBasic = Buffer.from(`${adminUser}:${adminPassword}`);
  }

  addKey(key: string): void {
    // Keys are tiny, but a runaway loop creating keys must not grow memory forever.
    if (this.keys.size >= MAX_ISSUED_KEYS) {
      throw rateLimited(this.retryAfterSeconds, 'Too many API keys have been issued by this mock server.');
    }
    this.keys.add(key);
  }

  /** Throws the OpenAI 401 unless the request carries an accepted Bearer key. */
  checkBearer(req: IncomingMessage): void {
    if (this.noAuth) return;
    const header = req.headers.authorization;
    if (header === undefined || header.length < 8 || !/^bearer /i.test(header.slice(0, 7))) {
      throw new HttpError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        'invalid_request_error',
        null,
        null,
      );
    }
    if (!this.keys.has(header.slice(7).trim())) {
      throw new HttpError(401, 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    }
  }

  /** Throws 401 with `WWW-Authenticate: Basic` unless the admin credentials match. */
  checkBasic(req: IncomingMessage): void {
    if (this.noAuth) return;
    const header = req.headers.authorization;
    if (header !== undefined && /^basic /i.test(header.slice(0, 6))) {
      const given = Buffer.from(header.slice(6).trim(), 'base64');
      if (given.length === this.expectedBasic.length && timingSafeEqual(given, this.expectedBasic)) return;
    }
    throw new HttpError(401, 'Admin authentication required (HTTP Basic).', 'invalid_request_error', null, 'invalid_admin_credentials', [
      'www-authenticate',
      'Basic realm="batch-load mock admin"',
    ]);
  }
}
