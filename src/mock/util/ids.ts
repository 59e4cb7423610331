import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Random id body for long-lived objects (files, batches, keys). */
export function randomId(length = 24): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % ALPHABET.length];
  return out;
}

/**
 * Cheap unique ids for the hot path: a random per-process prefix plus a counter,
 * so no crypto call per request.
 */
export class SequentialIds {
  private counter = 0;
  private readonly prefix: string;

  constructor(readonly tag: string) {
    this.prefix = `${tag}${randomId(8)}`;
  }

  next(): string {
    this.counter++;
    return this.prefix + this.counter.toString(36);
  }
}

export function unixSeconds(ms = Date.now()): number {
  return Math.floor(ms / 1000);
}
