import { PassThrough } from 'node:stream';
import { createReadStream } from 'node:fs';
import { CheckFailure } from '../../http/errors.js';
import { readJson } from '../../http/client.js';
import type { BatchInput } from '../../config/types.js';
import type { ScenarioContext } from '../types.js';
import { str, type FileObject } from './wire.js';

/** Uploads the JSONL as multipart (purpose=batch), streamed from disk with a known length. */
export async function uploadInput(ctx: ScenarioContext, url: string, name: string, input: BatchInput) {
  // loaded on first use: a run without the batch workflow does not load form-data (~9 MB)
  const { default: FormData } = await import('form-data');
  const form = new FormData();
  form.append('purpose', 'batch');
  form.append('file', createReadStream(input.path), {
    filename: input.filename,
    contentType: 'application/jsonl',
    knownLength: input.bytes,
  });
  const headers = { ...ctx.authHeaders, ...form.getHeaders(), 'content-length': String(form.getLengthSync()) };
  // form-data is an old-style stream; undici wants a real Readable
  const body = form.pipe(new PassThrough());
  return ctx.http.call({ name, method: 'POST', url, headers, body }, async (res) => {
    const file = await readJson<FileObject>(res.body);
    const id = str(file, 'id');
    if (!id) throw new CheckFailure('upload response has no file id');
    return file;
  });
}
