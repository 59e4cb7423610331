/**
 * The channel's shared token, proven both ways without ever being sent:
 *
 *   worker → coordinator   upgrade request with a fresh nonce Nw
 *   coordinator → worker   101 with its own nonce Nc and HMAC(token, "coordinator" Nw Nc)
 *   worker                 checks it (a coordinator that cannot prove the token is refused)
 *   worker → coordinator   first line: HMAC(token, "worker" Nc Nw)
 *   coordinator            checks it (a worker that cannot is refused and disconnected)
 *
 * Proofs are compared with crypto.timingSafeEqual. The role label keeps one side's proof from
 * being replayed as the other's; fresh nonces keep an old proof from being replayed at all.
 * The shared API key is sealed with AES-256-GCM under a key derived (HKDF) from the token and
 * both nonces, so it never crosses the wire in clear. The channel is authenticated, not
 * encrypted: run figures travel in clear.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export type Role = 'coordinator' | 'worker';

/** 32 random bytes, hex. */
export function newNonce(): string {
  return randomBytes(32).toString('hex');
}

export function isNonce(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

/** What `role` sends to prove the token: HMAC-SHA256 over the role and both nonces, theirs first. */
export function proofOf(token: string, role: Role, theirNonce: string, ownNonce: string): string {
  return createHmac('sha256', token).update(`${role}\n${theirNonce}\n${ownNonce}`).digest('hex');
}

/** Checks a peer's proof in constant time (a proof of the wrong length costs the same). */
export function checkProof(token: string, role: Role, ownNonce: string, theirNonce: string, given: unknown): boolean {
  const expected = Buffer.from(proofOf(token, role, ownNonce, theirNonce), 'hex');
  const got = typeof given === 'string' && /^[0-9a-f]*$/.test(given) ? Buffer.from(given, 'hex') : Buffer.alloc(0);
  // a wrong length is compared too (against zeros), so it takes the same time as a wrong proof
  const candidate = got.length === expected.length ? got : Buffer.alloc(expected.length);
  return timingSafeEqual(candidate, expected) && got.length === expected.length;
}

function sealingKey(token: string, workerNonce: string, coordinatorNonce: string): Buffer {
  return Buffer.from(hkdfSync('sha256', token, `${workerNonce}${coordinatorNonce}`, 'batch-load api key', 32));
}

/** The API key sealed for one connection: base64 of iv (12) · tag (16) · ciphertext. */
export function sealSecret(token: string, workerNonce: string, coordinatorNonce: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(token, workerNonce, coordinatorNonce), iv);
  const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

/** Opens a sealed key; throws when it was not sealed under this token and these nonces. */
export function openSecret(token: string, workerNonce: string, coordinatorNonce: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  if (raw.length < 28) throw new Error('sealed key is malformed');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(token, workerNonce, coordinatorNonce), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
