/**
 * The fault matrix: the HTTP client against raw TCP servers on 127.0.0.1 that misbehave one way
 * each. The promise checked for every fault: each request sent is recorded exactly once (the
 * recorder's count equals the requests issued, failures grouped under the README's stable
 * names), the connection is freed (requests run one after another on a shared pool of ONE
 * connection, so a connection left busy would make the next request wait and time out), nothing
 * is left in flight, and no request outlives its timeout by more than a second.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpRequestSpec, type HttpResponseView } from '../../src/http/client.js';
import { Retry429 } from '../../src/http/retry.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import type { MetricsSnapshot } from '../../src/metrics/types.js';
import { readChatStream } from '../../src/scenarios/online/chat.js';
import { checkChatCompletion } from '../../src/scenarios/online/checks.js';
import { runCli } from '../helpers/cli.js';

const TIMEOUT_MS = 500;
const TIMEOUT = 'timeout after 500ms';
/** a request may end this much past its timeout (the sweep interval is 50 ms) */
const SLACK_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** waits (up to 2 s) for `cond` */
async function until(cond: () => boolean): Promise<void> {
  for (const t0 = performance.now(); !cond() && performance.now() - t0 < 2000; ) await sleep(5);
}

// -- a raw server that counts the requests it received ----------------------------------------

interface Raw {
  base: string;
  port: number;
  /** request heads received (bodies framed by their Content-Length are skipped) */
  received: number;
  accepted: number;
  /** connections open now */
  open: number;
  close(): Promise<void>;
}

/** What a fault does with request `i` (counted from 0 over the server's life) on its socket. */
type Serve = (socket: Socket, i: number) => void;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function rawServer(serve: Serve, opts: { neverRead?: boolean } = {}): Promise<Raw> {
  const sockets = new Set<Socket>();
  const state = { received: 0, accepted: 0 };
  const server: Server = createServer((socket) => {
    state.accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (opts.neverRead) {
      // accepts, never reads: the client's writes fill the socket buffers and stop
      socket.pause();
      state.received++;
      return;
    }
    let buf = Buffer.alloc(0);
    let skip = 0;
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (skip > 0) {
          const n = Math.min(skip, buf.length);
          skip -= n;
          buf = buf.subarray(n);
          if (skip > 0) return;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        skip = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        serve(socket, state.received++);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const raw: Raw = {
    base: `http://127.0.0.1:${port}`,
    port,
    get received() {
      return state.received;
    },
    get accepted() {
      return state.accepted;
    },
    get open() {
      return sockets.size;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  cleanups.push(raw.close);
  return raw;
}

// -- responses ---------------------------------------------------------------------------------

const head = (status: string, headers: string[] = []) => `HTTP/1.1 ${status}\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`;
const withLength = (status: string, body: string, headers: string[] = []) => head(status, [...headers, `content-length: ${Buffer.byteLength(body)}`]) + body;
const OK_BODY = JSON.stringify({ choices: [{ message: { role: 'assistant', content: 'hi' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
const ok = (s: Socket) => s.write(withLength('200 OK', OK_BODY, ['content-type: application/json']));
const html = (code: string) => (s: Socket) => s.write(withLength(code, '<html><body><h1>oops</h1></body></html>', ['content-type: text/html']));
const sseHead = head('200 OK', ['content-type: text/event-stream', 'transfer-encoding: chunked']);
const chunk = (text: string) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
const delta = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
const sse = (...events: string[]) => sseHead + events.map(chunk).join('') + '0\r\n\r\n';
/** RST: the socket is closed with unread data discarded, the peer sees ECONNRESET */
const reset = (s: Socket) => s.resetAndDestroy();
/** writes `text`, then resets the connection once it is on the wire */
const thenReset = (text: string) => (s: Socket) => s.write(text, () => setTimeout(() => reset(s), 20));
/** writes `text`, then closes (FIN) */
const thenEnd = (text: string) => (s: Socket) => s.end(text);

/** Writes `text` a byte every `ms`. */
function trickle(s: Socket, text: string, ms: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (s.destroyed || i >= text.length) return clearInterval(timer);
    s.write(text[i++]!);
  }, ms);
  s.on('close', () => clearInterval(timer));
}

// -- readers -------------------------------------------------------------------------------------

type Reader = (res: HttpResponseView) => Promise<unknown>;
const READERS = {
  text: (res: HttpResponseView) => res.body.text(),
  /** the chat scenario's checks on a JSON reply */
  chat: async (res: HttpResponseView) => checkChatCompletion(await res.body.json()),
  /** the chat scenario's stream reader */
  stream: (res: HttpResponseView) => readChatStream(res),
  /** a reader that looks at the status only and never reads the body */
  ignore: async () => undefined,
} satisfies Record<string, Reader>;

// -- the matrix ------------------------------------------------------------------------------------

interface Fault {
  name: string;
  serve: Serve;
  /**
   * The outcome of each request: 'ok' or its failure name; per request `i`, or any of several
   * (a race the client may win or lose, either way recorded once)
   */
  expect: string | ((i: number) => string | string[]);
  read?: keyof typeof READERS;
  /** a POST with this body (default a GET) */
  body?: string;
  /** requests sent one after another (default 3) */
  requests?: number;
  neverRead?: boolean;
  /**
   * a request may never reach the server (written to a socket the server is closing, or timed
   * out while it waited for the pool's one connection)
   */
  mayNotArrive?: boolean;
  /** connections a closed-model user ends up owning (default 1) */
  userConnections?: number;
  /** connections the server accepts at most (checks reuse), or exactly with `connectionsExact` */
  connections?: number;
}

const LONG_HEADER = `x-filler: ${'a'.repeat(20 * 1024)}`;
const BIG_BODY = 'x'.repeat(8 * 1024 * 1024);

const FAULTS: Fault[] = [
  // error statuses
  { name: '500 with an HTML body', serve: html('500 Internal Server Error'), expect: 'HTTP 500', connections: 1 },
  { name: '503 with an HTML body', serve: html('503 Service Unavailable'), expect: 'HTTP 503', connections: 1 },
  {
    name: '429 with Retry-After',
    serve: (s) => s.write(withLength('429 Too Many Requests', JSON.stringify({ error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } }), ['retry-after: 1'])),
    expect: 'HTTP 429 rate_limit_exceeded',
    connections: 1,
  },
  { name: '304 with a body (not a success: named by its status)', serve: (s) => s.write(head('304 Not Modified') + 'stray'), expect: 'HTTP 304' },
  // the connection lost
  { name: 'RST before any byte of the response', serve: reset, expect: 'connection reset' },
  { name: 'RST after the status line', serve: thenReset('HTTP/1.1 200 OK\r\n'), expect: 'connection reset' },
  { name: 'RST in the middle of the headers', serve: thenReset('HTTP/1.1 200 OK\r\ncontent-type: appl'), expect: 'connection reset' },
  { name: 'RST mid-body (Content-Length not reached)', serve: thenReset(head('200 OK', ['content-length: 100']) + '{"choi'), expect: 'truncated body' },
  { name: 'FIN mid-body (Content-Length not reached)', serve: thenEnd(head('200 OK', ['content-length: 100']) + '{"choi'), expect: 'truncated body' },
  { name: 'FIN right after the headers', serve: thenEnd(head('200 OK', ['content-length: 100'])), expect: 'truncated body' },
  { name: 'FIN mid-body of an error status (named by its status)', serve: thenEnd(head('502 Bad Gateway', ['content-length: 100']) + '<html>'), expect: 'HTTP 502' },
  { name: 'FIN with no response at all', serve: (s) => s.end(), expect: 'connection reset' },
  { name: 'chunked body ended without its last chunk, then FIN', serve: thenEnd(sseHead + chunk(delta('a'))), read: 'stream', expect: 'truncated body' },
  // stalls
  { name: 'stall before the status line', serve: () => undefined, expect: TIMEOUT, requests: 2 },
  { name: 'stall mid-headers', serve: (s) => s.write('HTTP/1.1 200 OK\r\ncontent-'), expect: TIMEOUT, requests: 2 },
  { name: 'stall mid-body', serve: (s) => s.write(head('200 OK', ['content-length: 100']) + '{"choi'), expect: TIMEOUT, requests: 2 },
  { name: 'stall mid-body of an error status', serve: (s) => s.write(head('500 Oops', ['content-length: 100']) + '<html>'), expect: TIMEOUT, requests: 2 },
  { name: 'stall mid-SSE stream', serve: (s) => s.write(sseHead + chunk(delta('a'))), read: 'stream', expect: TIMEOUT, requests: 2 },
  {
    name: 'a reader that ignores a body the server never finishes',
    serve: (s) => s.write(head('200 OK', ['content-length: 100']) + 'part'),
    read: 'ignore',
    // the body left unread is cut at the first request's deadline: on the pool (one connection)
    // the second request waits for that and may time out in the same sweep; the third gets it
    expect: (i) => (i === 1 ? ['ok', TIMEOUT] : 'ok'),
    requests: 3,
    // a user's connection is still draining when its next request starts: that one opens another
    userConnections: 3,
    mayNotArrive: true,
  },
  { name: 'slowloris body within the timeout (1 byte per 40 ms)', serve: (s) => trickle(s, withLength('200 OK', 'abcdef'), 10), expect: 'ok', requests: 2 },
  { name: 'slowloris past the timeout', serve: (s) => trickle(s, withLength('200 OK', 'x'.repeat(100)), 40), expect: TIMEOUT, requests: 2 },
  { name: 'a server that never reads a large upload (write backpressure)', serve: () => undefined, neverRead: true, body: BIG_BODY, expect: TIMEOUT, requests: 2 },
  // not HTTP
  { name: 'garbage instead of a status line', serve: (s) => s.write('SSH-2.0-OpenSSH_9.6\r\n\r\n'), expect: 'invalid HTTP response' },
  { name: 'garbage without an empty line, then silence', serve: (s) => s.write('SSH-2.0-OpenSSH_9.6\r\n'), expect: 'invalid HTTP response' },
  { name: 'garbage, then FIN', serve: thenEnd('220 smtp.example.com ESMTP\r\n'), expect: 'invalid HTTP response' },
  { name: 'invalid Content-Length', serve: (s) => s.write(head('200 OK', ['content-length: 12abc']) + 'x'), expect: 'invalid HTTP response' },
  { name: 'negative Content-Length', serve: (s) => s.write(head('200 OK', ['content-length: -1']) + 'x'), expect: 'invalid HTTP response' },
  { name: 'duplicate conflicting Content-Length', serve: (s) => s.write(head('200 OK', ['content-length: 2', 'content-length: 3']) + 'abc'), expect: 'invalid HTTP response' },
  { name: 'chunked with a bad chunk size', serve: (s) => s.write(head('200 OK', ['transfer-encoding: chunked']) + 'zz\r\nabc\r\n0\r\n\r\n'), expect: 'invalid HTTP response' },
  { name: 'chunked, a chunk not followed by CRLF', serve: (s) => s.write(head('200 OK', ['transfer-encoding: chunked']) + '3\r\nabcdef\r\n0\r\n\r\n'), expect: 'invalid HTTP response' },
  { name: 'response head past 16 KiB', serve: (s) => s.write(withLength('200 OK', 'x', [LONG_HEADER])), expect: 'invalid HTTP response' },
  { name: 'status line only, then a header line past 16 KiB and silence', serve: (s) => s.write(`HTTP/1.1 200 OK\r\n${LONG_HEADER}`), expect: 'invalid HTTP response' },
  { name: '101 Switching Protocols', serve: (s) => s.write(head('101 Switching Protocols', ['upgrade: websocket', 'connection: upgrade'])), expect: 'invalid HTTP response' },
  // unusual but valid framing
  { name: 'HTTP/1.0 without Content-Length (body until close)', serve: thenEnd('HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil close'), expect: 'ok', connections: 3 },
  {
    name: 'Transfer-Encoding and Content-Length together (read as chunked, connection not reused)',
    serve: (s) => s.write(head('200 OK', ['transfer-encoding: chunked', 'content-length: 3']) + '3\r\nabc\r\n0\r\n\r\n'),
    expect: 'ok',
    connections: 3,
  },
  { name: '100 Continue and 103 Early Hints before the response', serve: (s) => s.write(head('100 Continue') + head('103 Early Hints', ['link: </a.css>; rel=preload']) + withLength('200 OK', 'hi')), expect: 'ok', connections: 1 },
  { name: '204 with a body (the body is not read; the connection is dropped)', serve: (s) => s.write(head('204 No Content') + 'stray bytes'), expect: 'ok' },
  { name: 'Connection: close on every response', serve: (s) => s.write(withLength('200 OK', 'bye', ['connection: close'])), expect: 'ok', connections: 3 },
  { name: 'extra bytes after a complete response', serve: (s) => s.write(withLength('200 OK', 'hi') + 'HTTP/1.1 200 OK\r\n'), expect: 'ok' },
  {
    name: 'an answer before the request body was read',
    serve: (s) => s.write(withLength('413 Payload Too Large', '{"error":{"code":"too_big"}}', ['connection: close'])),
    body: 'y'.repeat(1024 * 1024),
    expect: 'HTTP 413 too_big',
  },
  {
    name: 'the server closes (FIN) right after each response, without Connection: close',
    serve: thenEnd(withLength('200 OK', 'hi')),
    // the next request may be written before the FIN is read: then it fails, once, and is not
    // sent again (it may have reached the server; undici 7 fails it the same way)
    expect: () => ['ok', 'connection reset'],
    requests: 4,
    mayNotArrive: true,
  },
  // the body is fine, the content is not
  { name: 'a JSON error object in a 200', serve: (s) => s.write(withLength('200 OK', '{"error":{"message":"model overloaded"}}')), read: 'chat', expect: 'error in body', connections: 1 },
  { name: 'HTML in a 200 where JSON is expected', serve: (s) => s.write(withLength('200 OK', '<html></html>')), read: 'chat', expect: 'invalid JSON body', connections: 1 },
  { name: 'SSE with an error event', serve: (s) => s.write(sse(delta('a'), 'data: {"error":{"message":"boom"}}\n\n', 'data: [DONE]\n\n')), read: 'stream', expect: 'stream error event', connections: 1 },
  { name: 'SSE without [DONE]', serve: (s) => s.write(sse(delta('a'), delta('b'))), read: 'stream', expect: 'stream ended without [DONE]', connections: 1 },
  { name: 'SSE cut mid-event, the body complete', serve: (s) => s.write(sse(delta('a'), 'data: [DO')), read: 'stream', expect: 'stream ended without [DONE]', connections: 1 },
  { name: 'SSE cut mid-event by the connection (FIN)', serve: thenEnd(sseHead + chunk(delta('a')) + chunk('data: {"choi')), read: 'stream', expect: 'truncated body' },
  { name: 'SSE cut mid-event by the connection (RST)', serve: thenReset(sseHead + chunk(delta('a')) + chunk('data: {"choi')), read: 'stream', expect: 'truncated body' },
  { name: 'SSE until close (no length, HTTP/1.0), complete', serve: thenEnd(`HTTP/1.0 200 OK\r\ncontent-type: text/event-stream\r\n\r\n${delta('a')}data: [DONE]\n\n`), read: 'stream', expect: 'ok' },
];

/**
 * Sends the requests of `f` one after another, on the shared pool (one connection: one left
 * busy would make the next request wait for it and time out) or as a closed-model user (who
 * must keep reusing one connection object); checks the promise.
 */
async function runFault(f: Fault, owner: 'pool' | 'user'): Promise<void> {
  const server = await rawServer(f.serve, { neverRead: f.neverRead });
  const recorder = new MetricsRecorder();
  const client = new HttpClient({ recorder, requestTimeoutMs: TIMEOUT_MS, connections: 1 });
  cleanups.push(() => client.close(true));
  const http = owner === 'pool' ? client : client.forUser(1);
  const read: Reader = READERS[f.read ?? 'text'];
  const n = f.requests ?? 3;
  const outcomes: string[] = [];
  for (let i = 0; i < n; i++) {
    const spec: HttpRequestSpec = f.body === undefined ? { name: 'req', method: 'GET', url: `${server.base}/x` } : { name: 'req', method: 'POST', url: `${server.base}/x`, body: f.body };
    const t0 = performance.now();
    const out = await http.call(spec, read);
    expect(performance.now() - t0, `request ${i} took too long`).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    outcomes.push(out.ok ? 'ok' : out.error);
  }
  const want = Array.from({ length: n }, (_, i) => (typeof f.expect === 'function' ? f.expect(i) : f.expect));
  expect(outcomes.map((o, i) => (want[i]!.includes(o) ? want[i] : o))).toEqual(want);
  // every request recorded once, failures under their names
  const snap = recorder.snapshot();
  expect(snap.aggregated.count).toBe(n);
  const failed = outcomes.filter((o) => o !== 'ok');
  expect(snap.aggregated.failures).toBe(failed.length);
  expect(snap.failures.reduce((sum, r) => sum + r.occurrences, 0)).toBe(failed.length);
  expect(client.pending).toBe(0);
  if (owner === 'user') expect(client.userConnections).toBe(f.userConnections ?? 1);
  // the server got each request once (never twice: nothing is retried); in a race with the
  // server's close, a request written to the closing socket may never reach it
  if (f.mayNotArrive) expect(server.received).toBeGreaterThanOrEqual(outcomes.filter((o) => o === 'ok').length);
  expect(server.received).toBeLessThanOrEqual(n);
  if (!f.mayNotArrive) expect(server.received).toBe(n);
  if (f.connections !== undefined) expect(server.accepted).toBe(f.connections);
  // every connection the client opened is counted
  expect(snap.counters.connections_opened ?? 0).toBe(server.accepted);
}

describe('server faults: every request is recorded once, with a stable name, and nothing hangs', () => {
  for (const f of FAULTS) it(f.name, async () => void (await Promise.all([runFault(f, 'pool'), runFault(f, 'user')])));
});

describe('unreachable servers and run stop', () => {
  const spec = (base: string) => ({ name: 'req', method: 'GET' as const, url: `${base}/x` });

  it('connection refused from the start: each request fails once as `connection refused`', async () => {
    const server = await rawServer(ok);
    const base = server.base;
    await server.close();
    const recorder = new MetricsRecorder();
    const http = new HttpClient({ recorder, requestTimeoutMs: TIMEOUT_MS, connections: 2 });
    cleanups.push(() => http.close(true));
    const outs = await Promise.all(Array.from({ length: 4 }, () => http.call(spec(base), READERS.text)));
    expect(outs.map((o) => (o.ok ? 'ok' : o.error))).toEqual(Array(4).fill('connection refused'));
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 4, failures: 4 });
    expect(http.pending).toBe(0);
  });

  it('the server stopped mid-run: requests before succeed, requests after fail as `connection refused`', async () => {
    const server = await rawServer(ok);
    const recorder = new MetricsRecorder();
    const http = new HttpClient({ recorder, requestTimeoutMs: TIMEOUT_MS, connections: 1 });
    cleanups.push(() => http.close(true));
    const user = http.forUser(1);
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      if (i === 3) await server.close();
      const out = await user.call(spec(server.base), READERS.text);
      outcomes.push(out.ok ? 'ok' : out.error);
    }
    // the request right after the stop finds its kept-alive connection closed (reset or FIN)
    expect(outcomes.slice(0, 3)).toEqual(['ok', 'ok', 'ok']);
    expect(['connection refused', 'connection reset']).toContain(outcomes[3]);
    expect(outcomes.slice(4)).toEqual(['connection refused', 'connection refused']);
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 6, failures: 3 });
    expect(server.received).toBe(3);
  });

  it('run stop fails every request in flight at once, on any fault, each once as `aborted (run stopped)`', async () => {
    const stalls: Serve[] = [() => undefined, (s) => s.write(head('200 OK', ['content-length: 100']) + 'part'), (s) => s.write(sseHead + chunk(delta('a')))];
    const servers = await Promise.all(stalls.map((serve) => rawServer(serve)));
    const recorder = new MetricsRecorder();
    const stop = new AbortController();
    const http = new HttpClient({ recorder, requestTimeoutMs: 60_000, connections: 4, signal: stop.signal });
    cleanups.push(() => http.close(true));
    const calls = servers.flatMap((s, i) => [1, 2].map((u) => http.forUser(u * 10 + i).call(spec(s.base), (i === 2 ? READERS.stream : READERS.text) as Reader)));
    // a reader that returned while its body still drains: cut by the stop too
    const drained = await http.call(spec(servers[1]!.base), READERS.ignore);
    expect(drained.ok).toBe(true);
    for (const s of servers) await until(() => s.received === (s === servers[1] ? 3 : 2));
    const t0 = performance.now();
    stop.abort();
    const outs = await Promise.all(calls);
    expect(performance.now() - t0).toBeLessThan(SLACK_MS);
    expect(outs.map((o) => (o.ok ? 'ok' : o.error))).toEqual(Array(6).fill('aborted (run stopped)'));
    // a request started after the stop is failed too, without being sent
    const late = await http.call(spec(servers[0]!.base), READERS.text);
    expect(late).toMatchObject({ ok: false, error: 'aborted (run stopped)' });
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 8, failures: 7 });
    expect(http.pending).toBe(0);
    expect(servers.reduce((n, s) => n + s.received, 0)).toBe(7);
    // every socket was closed by the client
    await until(() => servers.every((s) => s.open === 0));
    expect(servers.map((s) => s.open)).toEqual([0, 0, 0]);
  });
});

describe('whole runs against a faulty server (the CLI, chat scenario)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bl-faults-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const FAST_RUN = ['--scenario', 'chat', '--api-key', 'sk-fault-matrix-0001', '--wait-min', '0', '--wait-max', '0', '--progress-interval', '10s'];

  /** Runs the CLI against `server`; returns the report, the exit code and how long it took. */
  async function run(server: Raw, args: string[], signal?: AbortSignal) {
    const file = join(dir, `r${Math.random().toString(36).slice(2)}.json`);
    const t0 = performance.now();
    const out = await runCli(['--host', server.base, ...FAST_RUN, ...args, '--json', file], { signal });
    const ms = performance.now() - t0;
    const report = JSON.parse(readFileSync(file, 'utf8')) as { metrics: MetricsSnapshot };
    return { code: out.code, ms, metrics: report.metrics, stderr: out.stderr };
  }

  it('faults in rotation: the report counts exactly the requests the server received, under their names', async () => {
    const rotation: [Serve, string][] = [
      [ok, 'ok'],
      [html('500 Internal Server Error'), 'HTTP 500'],
      [reset, 'connection reset'],
      [thenEnd(head('200 OK', ['content-length: 100']) + '{"choi'), 'truncated body'],
      [() => undefined, 'timeout after 300ms'],
      [(s) => s.write('SSH-2.0-OpenSSH_9.6\r\n'), 'invalid HTTP response'],
      [(s) => s.write(withLength('200 OK', '{"error":{"message":"overloaded"}}')), 'error in body'],
      [(s) => s.write(withLength('429 Too Many Requests', '{"error":{"code":"rate_limit_exceeded"}}')), 'HTTP 429 rate_limit_exceeded'],
    ];
    const server = await rawServer((s, i) => rotation[i % rotation.length]![0](s, i));
    const r = await run(server, ['-u', '4', '-r', '100', '-t', '1500ms', '--request-timeout', '300ms', '--stop-timeout', '1s']);
    expect(r.code).toBe(1);
    expect(r.metrics.aggregated.count).toBe(server.received);
    expect(server.received).toBeGreaterThan(rotation.length);
    const names = new Set(rotation.map(([, name]) => name));
    for (const row of r.metrics.failures) expect(names).toContain(row.error);
    const failures = r.metrics.failures.reduce((n, row) => n + row.occurrences, 0);
    expect(failures).toBe(r.metrics.aggregated.failures);
    // run time + stop timeout, plus start-up and the report
    expect(r.ms).toBeLessThan(1500 + 1000 + 3000);
  });

  it('a server that never answers: the run ends at run time + stop timeout, each request counted once as aborted', async () => {
    const server = await rawServer(() => undefined);
    const r = await run(server, ['-u', '3', '-r', '100', '-t', '800ms', '--request-timeout', '60s', '--stop-timeout', '400ms']);
    expect(r.metrics.aggregated.count).toBe(server.received);
    expect(server.received).toBe(3);
    expect(r.metrics.failures).toEqual([expect.objectContaining({ error: 'aborted (run stopped)', occurrences: 3 })]);
    expect(r.ms).toBeLessThan(800 + 400 + 3000);
  });

  it('interrupted (SIGTERM) while every request stalls mid-body: a prompt partial report, each request counted once', async () => {
    const server = await rawServer((s) => s.write(head('200 OK', ['content-length: 100']) + '{"choi'));
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 700).unref();
    const r = await run(server, ['-u', '3', '-r', '100', '-t', '1m', '--request-timeout', '60s'], stop.signal);
    expect(r.code).toBe(5);
    expect(r.metrics.aggregated.count).toBe(server.received);
    expect(r.metrics.failures).toEqual([expect.objectContaining({ error: 'aborted (run stopped)', occurrences: 3 })]);
    expect(r.ms).toBeLessThan(700 + 3000);
  });

  it('interrupted while the API key request stalls: stops at once, the request is not retried', async () => {
    const server = await rawServer(() => undefined);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300).unref();
    const t0 = performance.now();
    const out = await runCli(['--host', server.base, '--scenario', 'chat', '-t', '1m', '--request-timeout', '60s', '--basic-auth-password', 'pw-fault-matrix'], { signal: stop.signal });
    expect(performance.now() - t0).toBeLessThan(300 + SLACK_MS);
    expect(out.code).not.toBe(0);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(server.received).toBe(1);
  });
});

describe('--retry-429 under faults', () => {
  const retrying = (http: HttpClient, recorder: MetricsRecorder) =>
    new Retry429(http, { maxRetries: 1, recorder, signal: new AbortController().signal, deadlineMs: () => performance.now() + 60_000 });
  const TOO_MANY = (body: string) => head('429 Too Many Requests', ['retry-after-ms: 10', 'content-length: 100']) + body;

  it.each([
    ['a 429 whose body is cut by the server (FIN)', thenEnd(TOO_MANY('{"error":')), 'HTTP 429'],
    ['a 429 whose body stalls', (s: Socket) => s.write(TOO_MANY('{"error":')), TIMEOUT],
    ['a 429, then the retry is reset', (s: Socket, i: number) => (i === 0 ? s.write(withLength('429 Too Many Requests', '{}', ['retry-after-ms: 10'])) : reset(s)), 'connection reset'],
  ] as [string, Serve, string][])('%s: each attempt recorded once', async (_name, serve, last) => {
    const server = await rawServer(serve);
    const recorder = new MetricsRecorder();
    const http = new HttpClient({ recorder, requestTimeoutMs: TIMEOUT_MS, connections: 1 });
    cleanups.push(() => http.close(true));
    const out = await retrying(http, recorder).call({ name: 'req', method: 'GET', url: `${server.base}/x` }, READERS.text);
    const snap = recorder.snapshot();
    // a stalled 429 is a timeout, never retried; otherwise one retried 429, then the last answer
    const attempts = last === TIMEOUT ? 1 : 2;
    expect(out).toMatchObject({ ok: false, error: last });
    expect(server.received).toBe(attempts);
    expect(snap.aggregated.count).toBe(attempts);
    expect(snap.aggregated.failures).toBe(1);
    expect(snap.failures).toEqual([expect.objectContaining({ name: 'req', error: last, occurrences: 1 })]);
    expect(http.pending).toBe(0);
  });
});
