/**
 * Bearer-token check. Both sides are hashed with SHA-256 first, so the comparison is constant
 * time and runs on equal lengths whatever the caller sent: neither the token's value nor its
 * length leaks through timing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** The token from an `Authorization: Bearer <token>` header, undefined when absent or another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export type TokenCheck = (authorizationHeader: string | undefined) => boolean;

export function createTokenCheck(token: string): TokenCheck {
  if (!token) throw new Error('a bearer token is required');
  const expected = digest(token);
  return (header) => {
    const given = bearerToken(header);
    // hash even when absent, so a missing header costs the same as a wrong one
    const ok = timingSafeEqual(digest(given ?? ''), expected);
    return ok && given !== undefined;
  };
}
