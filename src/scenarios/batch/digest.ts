/**
 * The SHA-256 and length of a batch input file, computed once per file (streamed from disk) and
 * shared by every `verify content` of the run, so comparing a download never needs the input in
 * memory: the download is hashed as it streams and compared with this digest.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { BatchInput } from '../../config/types.js';

export interface FileDigest {
  sha256: string;
  bytes: number;
}

/** One computation per input (the BatchInput object is the run's; a new run hashes again). */
const digests = new WeakMap<BatchInput, Promise<FileDigest>>();

export function inputDigest(input: BatchInput): Promise<FileDigest> {
  let p = digests.get(input);
  if (!p) {
    p = hashFile(input.path);
    // a read error is the caller's to report, and the next call tries again
    p.catch(() => digests.delete(input));
    digests.set(input, p);
  }
  return p;
}

/** One buffer reused for the whole file: no garbage however big the file. */
async function hashFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(256 * 1024);
  let bytes = 0;
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, bytes);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await fh.close();
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Hashes a body as it streams: `update` per chunk, then compare with `matches`. */
export class StreamDigest {
  private readonly hash = createHash('sha256');
  bytes = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  matches(expected: FileDigest): boolean {
    return this.bytes === expected.bytes && this.hash.digest('hex') === expected.sha256;
  }
}
