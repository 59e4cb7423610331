import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, readJson, type HttpResponseView } from '../../src/http/client.js';
import { CheckFailure } from '../../src/http/errors.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';

let server: Server;
let base: string;
const BLOCK = Buffer.alloc(256 * 1024, 97);
const HUGE = 48 * 1024 * 1024;
let flushed = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok') return void res.end(JSON.stringify({ ok: true }));
    if (req.url === '/429') {
      res.writeHead(429, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ error: { message: 'slow down req_abc123', type: 'requests', param: null, code: 'rate_limit_exceeded' } }));
    }
    if (req.url === '/500-text') {
      res.writeHead(500);
      return void res.end('<html>boom</html>');
    }
    if (req.url === '/not-json') return void res.end('{"a":');
    if (req.url === '/reset') return void req.socket.destroy();
    if (req.url === '/slow-body') {
      res.writeHead(200);
      res.write('{"a":');
      return void setTimeout(() => res.end('1}'), 400);
    }
    if (req.url === '/chunks') {
      res.writeHead(200);
      res.write('one,');
      return void setTimeout(() => res.end('two'), 20);
    }
    if (req.url === '/big') {
      res.writeHead(200);
      res.write(Buffer.alloc(64 * 1024, 97));
      return void setTimeout(() => res.end(Buffer.alloc(64 * 1024, 97)), 10);
    }
    if (req.url === '/huge') {
      // as fast as the socket takes it; `flushed` counts what the client's side accepted
      res.writeHead(200, { 'content-length': HUGE });
      let sent = 0;
      const pump = () => {
        while (sent < HUGE) {
          sent += BLOCK.length;
          if (!res.write(BLOCK, () => (flushed += BLOCK.length))) return void res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    // /hang: never answers
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function client(opts: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const recorder = new MetricsRecorder();
  return { recorder, http: new HttpClient({ recorder, requestTimeoutMs: opts.timeoutMs ?? 5000, connections: 4, signal: opts.signal }) };
}
const get = (name: string, path: string) => ({ name, method: 'GET' as const, url: `${base}${path}` });

describe('HttpClient.call records every request exactly once', () => {
  it('a success, with the reader value', async () => {
    const { http, recorder } = client();
    const r = await http.call(get('GET /ok', '/ok'), (res) => readJson<{ ok: boolean }>(res.body));
    expect(r).toMatchObject({ ok: true, value: { ok: true }, status: 200 });
    const s = recorder.snapshot();
    expect(s.requests['GET /ok']).toMatchObject({ count: 1, failures: 0 });
    await http.close();
  });

  it.each([
    ['/429', 'HTTP 429 rate_limit_exceeded'],
    ['/500-text', 'HTTP 500'],
    ['/not-json', 'invalid JSON body'],
    ['/reset', 'connection reset'],
  ])('%s fails as %j (low-cardinality: no ids from the message)', async (path, error) => {
    const { http, recorder } = client();
    const r = await http.call(get(`GET ${path}`, path), (res) => readJson(res.body));
    expect(r).toMatchObject({ ok: false, error });
    const s = recorder.snapshot();
    expect(s.aggregated).toMatchObject({ count: 1, failures: 1 });
    expect(s.failures).toEqual([{ method: 'GET', name: `GET ${path}`, error, occurrences: 1 }]);
    await http.close();
  });

  it('a reader check failure is named by its reason, and a half-read body does not wedge the socket', async () => {
    const { http, recorder } = client();
    for (let i = 0; i < 6; i++) {
      await http.call(get('GET /big', '/big'), async () => {
        throw new CheckFailure('content differs');
      });
    }
    // 4 sockets: if abandoned bodies kept them busy this would hang
    const ok = await http.call(get('GET /ok', '/ok'), (res) => readJson(res.body));
    expect(ok.ok).toBe(true);
    expect(recorder.snapshot().failures).toEqual([{ method: 'GET', name: 'GET /big', error: 'content differs', occurrences: 6 }]);
    await http.close();
  });

  it('a request past its timeout fails as `timeout after …`', async () => {
    const { http, recorder } = client({ timeoutMs: 150 });
    const r = await http.call(get('GET /hang', '/hang'), (res) => readJson(res.body));
    expect(r).toMatchObject({ ok: false, error: 'timeout after 150ms' });
    expect(recorder.snapshot().aggregated.failures).toBe(1);
    await http.close(true);
  });

  it('stopping the run fails in-flight requests as `aborted (run stopped)`, and later ones without sending', async () => {
    const stop = new AbortController();
    const { http, recorder } = client({ signal: stop.signal });
    const pending = Promise.all([1, 2, 3].map(() => http.call(get('GET /hang', '/hang'), (res) => readJson(res.body))));
    setTimeout(() => stop.abort(), 50);
    const results = await pending;
    expect(results.every((r) => !r.ok && r.error === 'aborted (run stopped)')).toBe(true);
    const after = await http.call(get('GET /ok', '/ok'), (res) => readJson(res.body));
    expect(after).toMatchObject({ ok: false, error: 'aborted (run stopped)' });
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 4, failures: 4 });
    expect(http.pending).toBe(0);
    await http.close(true);
  });

  it('connection refused is named', async () => {
    const { http } = client();
    const r = await http.call({ name: 'GET /x', method: 'GET', url: 'http://127.0.0.1:1/x' }, async () => 1);
    expect(r).toMatchObject({ ok: false, error: 'connection refused' });
    await http.close();
  });

  it('one sweep timer times out several requests, each recorded once, within the sweep resolution', async () => {
    const { http, recorder } = client({ timeoutMs: 200 });
    expect(http.timeoutResolutionMs).toBe(20);
    const t0 = performance.now();
    const results = await Promise.all([1, 2, 3].map(() => http.call(get('GET /hang', '/hang'), (res) => readJson(res.body))));
    const elapsed = performance.now() - t0;
    expect(results.every((r) => !r.ok && r.error === 'timeout after 200ms')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(199);
    expect(elapsed).toBeLessThan(200 + 20 + 150);
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 3, failures: 3 });
    expect(http.pending).toBe(0);
    await http.close(true);
  });

  it('a timeout mid-body (headers already in) fails the reader as `timeout after …`', async () => {
    const { http, recorder } = client({ timeoutMs: 150 });
    const r = await http.call(get('GET /slow-body', '/slow-body'), (res) => readJson(res.body));
    expect(r).toMatchObject({ ok: false, error: 'timeout after 150ms', status: 200 });
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 1, failures: 1 });
    await http.close(true);
  });

  it('a per-request timeout overrides the client default', async () => {
    const { http } = client({ timeoutMs: 5000 });
    const r = await http.call({ ...get('GET /hang', '/hang'), timeoutMs: 120 }, (res) => readJson(res.body));
    expect(r).toMatchObject({ ok: false, error: 'timeout after 120ms' });
    await http.close(true);
  });

  it('the body streams chunk by chunk with for-await, and can be read only once', async () => {
    const { http } = client();
    const r = await http.call(get('GET /chunks', '/chunks'), async (res) => {
      const parts: string[] = [];
      for await (const chunk of res.body) parts.push(chunk.toString());
      await expect(res.body.text()).rejects.toThrow(/unusable/);
      return parts;
    });
    expect(r).toMatchObject({ ok: true, value: ['one,', 'two'] });
    await http.close();
  });

  it('a reader that ignores the body still frees the socket, and headers are readable both ways', async () => {
    const { http, recorder } = client();
    for (let i = 0; i < 6; i++) {
      const r = await http.call(get('GET /big', '/big'), async (res) => [res.header('content-type'), res.headers['x-none']]);
      expect(r.ok).toBe(true);
    }
    const ok = await http.call(get('GET /ok', '/ok'), (res) => readJson(res.body));
    expect(ok.ok).toBe(true);
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 7, failures: 0 });
    await http.close();
  });
});

describe('HttpClient refuses a request with a header a server could misread, before sending it', () => {
  const BAD = { authorization: 'Bearer sk-secret\nX-Injected: 1' };

  it('fails it at once as `invalid header: <name>` (never the value), and the connections stay usable', async () => {
    const { http, recorder } = client();
    // more than the 4 connections: a refused request must not keep a connection busy
    for (let i = 0; i < 6; i++) {
      const r = await http.call({ ...get('GET /ok', '/ok'), headers: BAD }, (res) => readJson(res.body));
      expect(r).toMatchObject({ ok: false, error: 'invalid header: authorization' });
    }
    const ok = await http.call({ ...get('GET /ok', '/ok'), headers: { authorization: 'Bearer fine' } }, (res) => readJson(res.body));
    expect(ok).toMatchObject({ ok: true, value: { ok: true } });
    expect(recorder.snapshot().failures).toEqual([{ method: 'GET', name: 'GET /ok', error: 'invalid header: authorization', occurrences: 6 }]);
    expect(JSON.stringify(recorder.snapshot())).not.toContain('sk-secret');
    expect(http.pending).toBe(0);
    await http.close();
  });

  it.each([
    ['a refused header', { ...get('GET /ok', '/ok'), headers: BAD }],
    ['a malformed URL', { name: 'bad url', method: 'GET' as const, url: 'not a url' }],
  ])('settles the failure of %s on a later turn of the event loop: a loop of such calls lets timers run', async (_, spec) => {
    const { http } = client();
    let ticked = false;
    setTimeout(() => (ticked = true), 0);
    for (let calls = 0; calls < 5000 && !ticked; calls++) await http.call(spec, async () => 1);
    expect(ticked).toBe(true);
    await http.close();
  });
});

describe('HttpClient backpressure', () => {
  it('a streaming reader that falls behind pauses the socket (the server cannot push the whole body)', async () => {
    const { http } = client();
    flushed = 0;
    const r = await http.call(get('GET /huge', '/huge'), async (res) => {
      let size = 0;
      let duringPause = -1;
      for await (const chunk of res.body) {
        size += chunk.length;
        if (duringPause === -1) {
          await new Promise((resolve) => setTimeout(resolve, 300));
          duringPause = flushed;
        }
      }
      return { size, duringPause };
    });
    expect(r.ok).toBe(true);
    const { size, duringPause } = (r as { value: { size: number; duringPause: number } }).value;
    expect(size).toBe(HUGE);
    // paused above 64 KiB unread: only the kernel's socket buffers (a few MiB) fill meanwhile;
    // without the pause the whole body would be read into memory in well under 300 ms
    expect(duringPause).toBeLessThan(HUGE / 2);
    await http.close();
  });
});

/**
 * Connection loss, named by when it happens. A raw TCP server writes exactly the bytes each
 * case needs, then closes (FIN) or resets (RST) the connection.
 */
describe('HttpClient names a lost connection by when it was lost', () => {
  const HEAD_CL = 'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n';
  const HEAD_CHUNKED = 'HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n';
  const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
  const CASES: Record<string, { bytes: string; rst?: boolean }> = {
    '/before-fin': { bytes: '' },
    '/before-rst': { bytes: '', rst: true },
    '/half-head': { bytes: 'HTTP/1.1 200 OK\r\ncontent-le' },
    '/cl-head-only': { bytes: HEAD_CL },
    '/cl-fin': { bytes: `${HEAD_CL}{"choices":[` },
    '/cl-rst': { bytes: `${HEAD_CL}{"choices":[`, rst: true },
    '/sse-fin': { bytes: HEAD_CHUNKED + chunk('data: {"a":1}\n\n') + chunk('data: {"b"') },
    '/sse-rst': { bytes: HEAD_CHUNKED + chunk('data: {"a":1}\n\n'), rst: true },
    '/500-cut': { bytes: 'HTTP/1.1 500 Internal Server Error\r\ncontent-length: 100\r\n\r\n{"error":{"code":"server_err' },
  };
  let tcp: TcpServer;
  let tcpBase: string;
  beforeAll(async () => {
    tcp = createTcpServer((socket: Socket) => {
      socket.once('data', (req: Buffer) => {
        const path = req.toString('latin1').split(' ')[1]!;
        const c = CASES[path]!;
        const cut = () => (c.rst ? socket.resetAndDestroy() : socket.destroy());
        if (c.bytes === '') return cut();
        // RST a moment later, so the bytes are read first and not discarded with the reset
        socket.write(c.bytes, () => (c.rst ? setTimeout(cut, 20) : cut()));
      });
    });
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    tcpBase = `http://127.0.0.1:${(tcp.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => tcp.close(r));
  });

  /** `json()` takes the body whole; `for await` streams it chunk by chunk (as SSE readers do) */
  const READERS = {
    json: (res: HttpResponseView) => res.body.json(),
    'for await': async (res: HttpResponseView) => {
      let n = 0;
      for await (const c of res.body) n += c.length;
      return n;
    },
  };

  it.each([
    ['/before-fin', 'json', 'connection reset'],
    ['/before-rst', 'json', 'connection reset'],
    ['/half-head', 'json', 'connection reset'],
    ['/cl-head-only', 'json', 'truncated body'],
    ['/cl-fin', 'json', 'truncated body'],
    ['/cl-rst', 'json', 'truncated body'],
    ['/cl-fin', 'for await', 'truncated body'],
    ['/sse-fin', 'for await', 'truncated body'],
    ['/sse-rst', 'for await', 'truncated body'],
    ['/500-cut', 'json', 'HTTP 500'],
  ] as const)('%s read with %s fails as %j, recorded once', async (path, reader, error) => {
    const { http, recorder } = client();
    const r = await http.call({ name: `GET ${path}`, method: 'GET', url: `${tcpBase}${path}` }, READERS[reader]);
    expect(r).toMatchObject({ ok: false, error });
    expect(recorder.snapshot().failures).toEqual([{ method: 'GET', name: `GET ${path}`, error, occurrences: 1 }]);
    expect(http.pending).toBe(0);
    await http.close();
  });
});
