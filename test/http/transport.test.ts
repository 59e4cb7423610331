/**
 * The HTTP/1.1 transport (src/http/connections.ts, h1-parser.ts) against loopback servers: a raw
 * TCP server that writes exactly the bytes each case needs, and node:http where a real server's
 * request parsing is the point (request bodies). Connections are counted on the server side.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient, type HttpResponseView } from '../../src/http/client.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';

/** A raw server: `reply(requestHead, index, socket)` answers each request (requests have no body). */
interface Raw {
  base: string;
  /** connections accepted so far */
  accepted: number;
  /** connections the client closed (FIN or RST seen by the server) */
  closedByClient: number;
  sockets: Socket[];
  close(): Promise<void>;
}

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function raw(reply: (head: string, index: number, socket: Socket) => void): Promise<Raw> {
  const state = { accepted: 0, closedByClient: 0 };
  const sockets: Socket[] = [];
  let index = 0;
  const server: Server = createServer((socket) => {
    state.accepted++;
    sockets.push(socket);
    let buf = '';
    let closing = false;
    socket.on('end', () => {
      if (!closing) state.closedByClient++;
    });
    socket.on('error', () => undefined);
    const origDestroy = socket.destroy.bind(socket);
    socket.destroy = (err?: Error) => {
      closing = true;
      return origDestroy(err);
    };
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end !== -1; end = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, end);
        buf = buf.slice(end + 4);
        reply(head, index++, socket);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const out: Raw = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get accepted() {
      return state.accepted;
    },
    get closedByClient() {
      return state.closedByClient;
    },
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  servers.push(out);
  return out;
}

function client(connections = 4) {
  const recorder = new MetricsRecorder();
  const http = new HttpClient({ recorder, requestTimeoutMs: 5000, connections });
  servers.push({ close: async () => http.close(true) });
  return { recorder, http };
}

const text = (res: HttpResponseView) => res.body.text();
const get = (base: string, path = '/x') => ({ name: `GET ${path}`, method: 'GET' as const, url: `${base}${path}` });
const OK = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** waits (up to 2 s) until `cond` holds: the server accepts on its own turn of the event loop */
async function until(cond: () => boolean): Promise<void> {
  for (const t0 = performance.now(); !cond() && performance.now() - t0 < 2000; ) await sleep(5);
}

describe('connections follow the load model', () => {
  it('a user keeps one connection for all its requests; each user has its own', async () => {
    const s = await raw((_h, i, socket) => socket.write(OK(`r${i}`)));
    const { http, recorder } = client();
    const users = [1, 2, 3].map((id) => http.forUser(id));
    for (let round = 0; round < 5; round++) {
      const got = await Promise.all(users.map((u) => u.call(get(s.base), text)));
      expect(got.every((r) => r.ok)).toBe(true);
    }
    expect(s.accepted).toBe(3);
    expect(http.userConnections).toBe(3);
    const snap = recorder.snapshot();
    expect(snap.counters.connections_opened).toBe(3);
    expect(snap.trends.connect_time).toMatchObject({ count: 3, unit: 'ms' });
    expect(snap.aggregated.count).toBe(15);
  });

  it('the shared pool opens at most `connections` and serves waiting requests in order', async () => {
    const order: string[] = [];
    const s = await raw((head, _i, socket) => {
      const path = head.split(' ')[1]!;
      order.push(path);
      setTimeout(() => socket.write(OK(path)), 5);
    });
    const { http } = client(2);
    const paths = ['/a', '/b', '/c', '/d', '/e', '/f'];
    const got = await Promise.all(paths.map((p) => http.call(get(s.base, p), text)));
    expect(got.map((r) => (r.ok ? r.value : r.error))).toEqual(paths);
    expect(s.accepted).toBe(2);
    expect(order).toEqual(paths);
  });

  it('a user who leaves (releaseUser) closes its connection once its request is done', async () => {
    const s = await raw((_h, i, socket) => setTimeout(() => socket.write(OK(`r${i}`)), 20));
    const { http } = client();
    const pending = http.forUser(1).call(get(s.base), text);
    await until(() => s.accepted === 1);
    http.releaseUser(1);
    expect(await pending).toMatchObject({ ok: true, value: 'r0' });
    await until(() => s.closedByClient === 1);
    expect(s.closedByClient).toBe(1);
    expect(http.userConnections).toBe(0);
  });

  it('warm start opens the users’ connections before their first request, and they are used', async () => {
    const s = await raw((_h, i, socket) => socket.write(OK(`r${i}`)));
    const { http, recorder } = client();
    const opened = await http.preconnect({ origins: [s.base], users: 5, pool: 0, limit: 100, budgetMs: 5000 });
    expect(opened).toEqual({ opened: 5, failed: 0 });
    await until(() => s.accepted === 5);
    expect(s.accepted).toBe(5);
    for (let id = 1; id <= 5; id++) expect((await http.forUser(id).call(get(s.base), text)).ok).toBe(true);
    expect(s.accepted).toBe(5);
    expect(recorder.snapshot().counters.connections_opened).toBe(5);
  });

  it('a preconnected socket the server closes before first use is replaced, not failed', async () => {
    const s = await raw((_h, i, socket) => socket.write(OK(`r${i}`)));
    const { http } = client();
    await http.preconnect({ origins: [s.base], users: 1, pool: 0, limit: 10, budgetMs: 5000 });
    for (const socket of s.sockets) socket.end();
    await sleep(50);
    const r = await http.forUser(1).call(get(s.base), text);
    expect(r).toMatchObject({ ok: true, value: 'r0' });
    expect(s.accepted).toBe(2);
  });
});

describe('keep-alive', () => {
  it('`connection: close` from the server: the next request opens a new connection', async () => {
    const s = await raw((_h, i, socket) => {
      socket.write(OK(`r${i}`, 'connection: close\r\n'));
      socket.end();
    });
    const { http } = client();
    const u = http.forUser(1);
    for (let i = 0; i < 3; i++) expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: `r${i}` });
    expect(s.accepted).toBe(3);
  });

  it('a server that closes an idle connection: the next request reconnects and succeeds', async () => {
    const s = await raw((_h, i, socket) => {
      socket.write(OK(`r${i}`));
      setTimeout(() => socket.end(), 20);
    });
    const { http, recorder } = client();
    const u = http.forUser(1);
    for (let i = 0; i < 3; i++) {
      expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: `r${i}` });
      await sleep(80);
    }
    expect(s.accepted).toBe(3);
    expect(recorder.snapshot().aggregated.failures).toBe(0);
  });

  it('a server announcing `Keep-Alive: timeout=2`: we close the idle socket first, about a second before', async () => {
    const s = await raw((_h, i, socket) => socket.write(OK(`r${i}`, 'keep-alive: timeout=2\r\n')));
    const { http } = client();
    const started = performance.now();
    expect((await http.forUser(1).call(get(s.base), text)).ok).toBe(true);
    while (s.closedByClient === 0 && performance.now() - started < 3000) await sleep(20);
    const after = performance.now() - started;
    expect(s.closedByClient).toBe(1);
    expect(after).toBeGreaterThan(900);
    expect(after).toBeLessThan(1900);
  });

  it('bytes on an idle connection make it unusable: closed, and the next request uses a new one', async () => {
    const s = await raw((_h, i, socket) => {
      socket.write(OK(`r${i}`));
      if (i === 0) setTimeout(() => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nstray'), 20);
    });
    const { http } = client();
    const u = http.forUser(1);
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'r0' });
    await sleep(80);
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'r1' });
    expect(s.accepted).toBe(2);
  });
});

describe('response framing', () => {
  /** writes `bytes` one byte at a time */
  const trickle = (socket: Socket, bytes: string) => {
    let i = 0;
    const next = () => {
      if (i < bytes.length) socket.write(bytes[i++]!, 'latin1', () => setImmediate(next));
    };
    next();
  };

  it('chunked, with chunk extensions and trailers, a byte at a time', async () => {
    const body = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nx-trailer: t\r\n\r\n';
    const s = await raw((_h, i, socket) => (i === 0 ? trickle(socket, body) : socket.write(OK('next'))));
    const { http } = client();
    const u = http.forUser(1);
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'hello world' });
    // the connection stayed usable
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'next' });
    expect(s.accepted).toBe(1);
  });

  it('a body read until the server closes (no length): complete, and the next request reconnects', async () => {
    const s = await raw((_h, i, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\npart one, `);
      setTimeout(() => socket.end(`part two ${i}`), 20);
    });
    const { http } = client();
    const u = http.forUser(1);
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'part one, part two 0' });
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'part one, part two 1' });
    expect(s.accepted).toBe(2);
  });

  it('interim 1xx responses are skipped; 204 has no body; headers read by name, any case', async () => {
    const s = await raw((_h, i, socket) => {
      if (i === 0) socket.write('HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nX-Req: A1\r\nx-req: a2\r\ncontent-length: 2\r\n\r\nok');
      else socket.write('HTTP/1.1 204 No Content\r\nx-n: 1\r\n\r\n');
    });
    const { http } = client();
    const u = http.forUser(1);
    const first = await u.call(get(s.base), async (res) => ({ one: res.header('x-req'), all: res.headers['x-req'], body: await res.body.text() }));
    expect(first).toMatchObject({ ok: true, value: { one: 'A1', all: ['A1', 'a2'], body: 'ok' } });
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, status: 204, value: '' });
    expect(s.accepted).toBe(1);
  });

  it('Content-Length and Transfer-Encoding together: read as chunked, and the connection is not reused', async () => {
    const s = await raw((_h, i, socket) => socket.write(`HTTP/1.1 200 OK\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n4\r\nr${i}xx\r\n0\r\n\r\n`));
    const { http } = client();
    const u = http.forUser(1);
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'r0xx' });
    expect(await u.call(get(s.base), text)).toMatchObject({ ok: true, value: 'r1xx' });
    expect(s.accepted).toBe(2);
  });

  it.each([
    ['a bad status line', 'HTTP/1.1 2x0 OK\r\n\r\n'],
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken\r\ncontent-length: 0\r\n\r\n'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nx-a: 1\r\n  folded\r\ncontent-length: 0\r\n\r\n'],
    ['conflicting Content-Length values', 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\nok'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n'],
    ['a chunk not followed by CRLF', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nokXX0\r\n\r\n'],
    ['a protocol switch', 'HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n\r\n'],
  ])('%s fails as `invalid HTTP response`, recorded once', async (_what, bytes) => {
    const s = await raw((_h, _i, socket) => socket.write(bytes));
    const { http, recorder } = client();
    const r = await http.forUser(1).call(get(s.base), text);
    expect(r).toMatchObject({ ok: false, error: 'invalid HTTP response' });
    expect(recorder.snapshot().aggregated).toMatchObject({ count: 1, failures: 1 });
    expect(http.pending).toBe(0);
  });

  it('a response head past 16 KiB fails as `invalid HTTP response`', async () => {
    const s = await raw((_h, _i, socket) => socket.write(`HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(17 * 1024)}\r\ncontent-length: 0\r\n\r\n`));
    const { http } = client();
    expect(await http.forUser(1).call(get(s.base), text)).toMatchObject({ ok: false, error: 'invalid HTTP response' });
  });
});

describe('request bodies', () => {
  let server: HttpServer;
  const received: { method: string; length?: string; chunked: boolean; body: string }[] = [];
  const start = async (handler?: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) => {
    received.length = 0;
    server = createHttpServer(
      handler ??
        ((req, res) => {
          let body = '';
          req.setEncoding('utf8');
          req.on('data', (c: string) => (body += c));
          req.on('end', () => {
            received.push({ method: req.method!, length: req.headers['content-length'], chunked: req.headers['transfer-encoding'] === 'chunked', body });
            res.end('ok');
          });
        }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) });
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  it('a string (multi-byte UTF-8), a Buffer, no body on POST, and streams with and without Content-Length', async () => {
    const base = await start();
    const { http } = client();
    const u = http.forUser(1);
    const post = (body: string | Buffer | Readable | undefined, headers?: Record<string, string>) =>
      u.call({ name: 'POST /b', method: 'POST', url: `${base}/b`, body, headers }, text);
    expect((await post('héllo ✓')).ok).toBe(true);
    expect((await post(Buffer.from('buffer body'))).ok).toBe(true);
    expect((await post(undefined)).ok).toBe(true);
    expect((await post(Readable.from([Buffer.from('str'), Buffer.from('eamed')]), { 'content-length': '8' })).ok).toBe(true);
    expect((await post(Readable.from([Buffer.from('chun'), Buffer.from('ked')]))).ok).toBe(true);
    expect(received).toEqual([
      { method: 'POST', length: String(Buffer.byteLength('héllo ✓')), chunked: false, body: 'héllo ✓' },
      { method: 'POST', length: '11', chunked: false, body: 'buffer body' },
      { method: 'POST', length: '0', chunked: false, body: '' },
      { method: 'POST', length: '8', chunked: false, body: 'streamed' },
      { method: 'POST', length: undefined, chunked: true, body: 'chunked' },
    ]);
  });

  it('a stream shorter than its Content-Length fails as `request body length mismatch`', async () => {
    const base = await start();
    const { http } = client();
    const r = await http.forUser(1).call(
      { name: 'POST /b', method: 'POST', url: `${base}/b`, body: Readable.from([Buffer.from('short')]), headers: { 'content-length': '50' } },
      text,
    );
    expect(r).toMatchObject({ ok: false, error: 'request body length mismatch' });
  });

  it('a server that answers before reading the whole upload: the answer counts, the connection is not reused', async () => {
    const base = await start((req, res) => {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'keep-alive' });
      res.end(JSON.stringify({ error: { code: 'too_large' } }));
      req.resume();
    });
    const { http } = client();
    let pushed = 0;
    const body = new Readable({
      read() {
        // an endless upload: the server's early answer must end it
        if (pushed++ < 2000) setTimeout(() => this.push(Buffer.alloc(64 * 1024, 97)), 1);
      },
    });
    const u = http.forUser(1);
    const r = await u.call({ name: 'POST /b', method: 'POST', url: `${base}/b`, body, headers: { 'content-length': String(2000 * 64 * 1024) } }, text);
    expect(r).toMatchObject({ ok: false, error: 'HTTP 413 too_large' });
    expect(body.destroyed).toBe(true);
  });
});
