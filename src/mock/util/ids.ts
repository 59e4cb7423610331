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

const SEQ_DIGITS = 8;

/**
 * Id of a stored object (file, batch): `prefix` + 16 random characters + its creation sequence
 * number in 8 base-36 digits. The sequence is read back from any id, so a list cursor keeps its
 * place after the object it names was deleted or evicted, without keeping a tombstone.
 */
export function sequencedId(prefix: string, seq: number): string {
  return `${prefix}${randomId(16)}${seq.toString(36).padStart(SEQ_DIGITS, '0')}`;
}

/** The sequence number in an id made by sequencedId(prefix, ·), or undefined when it is not one. */
export function seqOfId(id: string, prefix: string): number | undefined {
  if (!id.startsWith(prefix) || id.length !== prefix.length + 16 + SEQ_DIGITS) return undefined;
  const tail = id.slice(-SEQ_DIGITS);
  if (!/^[0-9a-z]+$/.test(tail)) return undefined;
  return Number.parseInt(tail, 36);
}
