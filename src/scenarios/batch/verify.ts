import { performance } from 'node:perf_hooks';
import { CheckFailure } from '../../http/errors.js';
import { readJson } from '../../http/client.js';
import type { BatchInput, VerifyMode } from '../../config/types.js';
import type { ScenarioContext } from '../types.js';
import type { BatchRequestNames } from './names.js';
import { inputDigest, StreamDigest } from './digest.js';
import { recordThroughput } from './throughput.js';
import type { FileObject } from './wire.js';

/**
 * Checks the upload really landed: metadata (bytes, filename, purpose match what was sent) or
 * content (byte-identical). The Locust batch suite only looked at the status code. Content is
 * compared as it streams, against the input's digest (computed once per file), so neither the
 * input nor the download is ever held in memory.
 */
export async function verifyUpload(
  ctx: ScenarioContext,
  apiBase: string,
  names: BatchRequestNames,
  input: BatchInput,
  fileId: string,
  mode: VerifyMode,
) {
  const pick = mode === 'random' ? (ctx.random() < 0.5 ? 'metadata' : 'content') : mode;
  const fileUrl = `${apiBase}/files/${encodeURIComponent(fileId)}`;
  if (pick === 'metadata') {
    return ctx.http.call({ name: names.verifyMetadata, method: 'GET', url: fileUrl, headers: ctx.authHeaders }, async (res) => {
      const file = await readJson<FileObject>(res.body);
      if (file.id !== fileId) throw new CheckFailure('verify: file id differs');
      if (file.bytes !== input.bytes) throw new CheckFailure('verify: bytes differ from the upload');
      if (file.filename !== input.filename) throw new CheckFailure('verify: filename differs from the upload');
      if (file.purpose !== 'batch') throw new CheckFailure('verify: purpose is not batch');
      return pick;
    });
  }
  const expected = await inputDigest(input);
  return ctx.http.call({ name: names.verifyContent, method: 'GET', url: `${fileUrl}/content`, headers: ctx.authHeaders }, async (res) => {
    const got = new StreamDigest();
    for await (const chunk of res.body) {
      got.update(chunk);
      if (got.bytes > expected.bytes) throw new CheckFailure('verify: content differs from the upload');
    }
    if (!got.matches(expected)) throw new CheckFailure('verify: content differs from the upload');
    recordThroughput(ctx.recorder, 'download', got.bytes, performance.now() - res.startedAtMs);
    return pick;
  });
}
