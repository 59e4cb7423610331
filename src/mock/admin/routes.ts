import type { AuthGate } from '../auth/auth.js';
import { readBody } from '../http/body.js';
import type { RequestContext } from '../http/context.js';
import { json, type Reply } from '../http/reply.js';
import type { StatsCollector } from '../stats.js';
import { randomId, unixSeconds } from '../util/ids.js';

/**
 * Creates an API key, like the admin endpoint of the platforms the Locust suite targets:
 * body `{name, description, purpose, requests_per_second, burst_size}` (all optional) → 201.
 */
export async function createApiKey(ctx: RequestContext, auth: AuthGate, stats: StatsCollector, bodyLimit: number): Promise<Reply> {
  const raw = await readBody(ctx.req, bodyLimit);
  let body: Record<string, unknown> = {};
  if (raw.length > 0) {
    try {
      const parsed: unknown = JSON.parse(raw.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      // The key is still issued: callers of this endpoint often send form bodies or nothing.
    }
  }
  const key = `sk-mock-${randomId(40)}`;
  auth.addKey(key);
  stats.apiKeysCreated++;
  const str = (v: unknown, fallback: string): string => (typeof v === 'string' ? v : fallback);
  const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return json(
    201,
    JSON.stringify({
      id: `key_${randomId(24)}`,
      object: 'api_key',
      key,
      name: str(body.name, 'mock-key'),
      description: str(body.description, ''),
      purpose: str(body.purpose, 'platform'),
      requests_per_second: num(body.requests_per_second),
      burst_size: num(body.burst_size),
      created_at: unixSeconds(),
    }),
  );
}
