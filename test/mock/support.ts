import { request } from 'node:http';
import { type MockServer, type MockServerOptions, startMockServer } from '../../src/mock/index.js';

export const TEST_KEY = 'sk-test-static';

/** A mock with a static key and a fast, jitter-free latency model (tests assert counts, not time). */
export function startTestServer(options: MockServerOptions = {}): Promise<MockServer> {
  return startMockServer({
    ...options,
    auth: { staticKeys: [TEST_KEY], ...options.auth },
    latency: { ttftMs: 1, perTokenMs: 0, jitterMs: 0, ...options.latency },
    batch: { validatingMs: 20, finalizingMs: 20, cancellingMs: 20, ...options.batch },
  });
}

/** Runs `fn` against a fresh test server, closed afterwards whatever happens. */
export async function withServer<T>(options: MockServerOptions, fn: (server: MockServer) => Promise<T>): Promise<T> {
  const server = await startTestServer(options);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

export function chatLine(i: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    custom_id: `request-${i}`,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'mock-gpt-4o-mini', messages: [{ role: 'user', content: `hello ${i}` }], max_tokens: 4 },
    ...extra,
  });
}

export function chatJsonl(n: number): string {
  return Array.from({ length: n }, (_, i) => chatLine(i + 1)).join('\n') + '\n';
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with full control of the body (chunked when `chunks` is given). */
export function rawRequest(
  url: string,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Array<string | Buffer> },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path, url);
    const req = request(
      target,
      { method: options.method ?? 'GET', headers: { authorization: `Bearer ${TEST_KEY}`, ...options.headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.chunks) {
      // Each chunk is its own write: Node sends chunked transfer encoding without Content-Length.
      let i = 0;
      const next = (): void => {
        if (i >= options.chunks!.length) {
          req.end();
          return;
        }
        req.write(options.chunks![i++], () => setImmediate(next));
      };
      next();
    } else {
      req.end(options.body);
    }
  });
}

export function jsonOf<T = Record<string, unknown>>(response: RawResponse): T {
  return JSON.parse(response.body) as T;
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** A multipart body with the given parts in the given order. */
export function multipart(parts: Array<{ name: string; value: string | Buffer; filename?: string }>, boundary = '----batchload-test-boundary'): {
  body: Buffer;
  contentType: string;
} {
  const pieces: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename ? 'Content-Type: application/octet-stream\r\n' : '';
    pieces.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`));
    pieces.push(Buffer.isBuffer(part.value) ? part.value : Buffer.from(part.value));
    pieces.push(Buffer.from('\r\n'));
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(pieces), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function uploadText(server: MockServer, content: string | Buffer, purpose = 'batch', filename = 'input.jsonl'): Promise<{ id: string }> {
  const { body, contentType } = multipart([
    { name: 'purpose', value: purpose },
    { name: 'file', value: content, filename },
  ]);
  const res = await rawRequest(server.url, { method: 'POST', path: '/v1/files', headers: { 'content-type': contentType }, body });
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${res.body}`);
  return jsonOf<{ id: string }>(res);
}

export async function postJson(server: MockServer, path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  return rawRequest(server.url, {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const TERMINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** Polls a batch until it is terminal (bounded: at most `timeoutMs`). */
export async function waitForBatch(server: MockServer, id: string, timeoutMs = 10_000, basePath = '/v1'): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 2000 && Date.now() < deadline; i++) {
    const batch = jsonOf<Record<string, any>>(await rawRequest(server.url, { path: `${basePath}/batches/${id}` }));
    if (TERMINAL.has(batch.status as string)) return batch;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`batch ${id} not terminal after ${timeoutMs} ms`);
}

export async function createBatch(server: MockServer, jsonl: string, endpoint = '/v1/chat/completions'): Promise<Record<string, any>> {
  const file = await uploadText(server, jsonl);
  const res = await postJson(server, '/v1/batches', { input_file_id: file.id, endpoint, completion_window: '24h' });
  if (res.status !== 200) throw new Error(`batch create failed: ${res.status} ${res.body}`);
  return jsonOf(res);
}

export async function fileContent(server: MockServer, id: string): Promise<string> {
  return (await rawRequest(server.url, { path: `/v1/files/${id}/content` })).body;
}

export function jsonlLines(text: string): Array<Record<string, any>> {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, any>);
}
