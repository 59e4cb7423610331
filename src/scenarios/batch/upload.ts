import { PassThrough } from 'node:stream';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import type FormDataType from 'form-data';
import { CheckFailure } from '../../http/errors.js';
import { readJson, type HttpRequestSpec } from '../../http/client.js';
import type { BatchInput } from '../../config/types.js';
import type { ScenarioContext } from '../types.js';
import { str, type FileObject } from './wire.js';

/** Uploads the JSONL as multipart (purpose=batch), streamed from disk with a known length. */
export async function uploadInput(ctx: ScenarioContext, url: string, name: string, input: BatchInput) {
  const spec = () => uploadSpec(ctx, url, name, input);
  return ctx.http.call(
    spec(),
    async (res) => {
      const file = await readJson<FileObject>(res.body);
      const id = str(file, 'id');
      if (!id) throw new CheckFailure('upload response has no file id');
      return file;
    },
    // a retry (--retry-429) streams the file again from the start
    { respec: spec },
  );
}

const require = createRequire(import.meta.url);
let FormDataClass: typeof FormDataType | undefined;

function uploadSpec(ctx: ScenarioContext, url: string, name: string, input: BatchInput): HttpRequestSpec {
  // loaded on first use: a run without the batch workflow does not load form-data (~9 MB)
  FormDataClass ??= require('form-data') as typeof FormDataType;
  const form = new FormDataClass();
  form.append('purpose', 'batch');
  form.append('file', createReadStream(input.path), {
    filename: input.filename,
    contentType: 'application/jsonl',
    knownLength: input.bytes,
  });
  const headers = { ...ctx.authHeaders, ...form.getHeaders(), 'content-length': String(form.getLengthSync()) };
  // form-data is an old-style stream; the client reads a real Readable
  const body = form.pipe(new PassThrough());
  return { name, method: 'POST', url, headers, body };
}
