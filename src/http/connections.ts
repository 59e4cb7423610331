/**
 * Connections and who owns them.
 *
 * A Connection is one HTTP/1.1 keep-alive socket (plain TCP or TLS) running one request at a
 * time: it writes the request head and body, parses the response (h1-parser.ts) and hands it to
 * the request's handler; after a complete response the socket stays open for the next request,
 * and a connection whose socket was closed opens a new one on its next request.
 *
 * Who owns connections follows the load model:
 *   - closed model (`UserConnections`): each virtual user owns its connections, one per request
 *     it has in flight at once (one, for every scenario today) and per origin, as Locust's and
 *     k6's users do. N users hold N connections; picking one looks at the user's own (one or
 *     two), never at a pool.
 *   - open model and requests made outside any user (`ConnectionPool`): at most `--connections`
 *     per origin, the most recently freed reused first (a free stack, O(1)); requests wait in
 *     order while every connection is busy.
 * Every new socket is counted (`connections_opened`) and its connect time (TCP, plus the TLS
 * handshake for https) is a trend (`connect_time`, ms).
 *
 * Idle sockets: when the server announces its idle timeout (`Keep-Alive: timeout=N`, as Node's
 * http server and the mock do: 5 s), we close our side IDLE_MARGIN_MS before it (checked every
 * IDLE_SWEEP_MS), so a request never races the server's close; without an announcement, after
 * IDLE_MS. A server that closes an idle socket first is noticed (its FIN arrives while idle)
 * and the connection reopens on its owner's next request; bytes arriving on an idle socket
 * (no request asked for them) make it unusable and it is closed.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { Recorder } from '../metrics/types.js';
import { BODY_LENGTH_MISMATCH, CLIENT_CLOSED, CONNECT_TIMEOUT, PEER_CLOSED, codedError } from './errors.js';
import { ResponseParser, type ParserSink } from './h1-parser.js';
import { headerBlock, requestHead } from './h1-request.js';

/** Idle time after which we close a socket whose server announced no keep-alive timeout, ms. */
export const IDLE_MS = 30_000;
/** We close an idle socket at least this long before the server's announced timeout, ms. */
const IDLE_MARGIN_MS = 1_000;
/** How often idle sockets are checked against their deadline, ms. */
const IDLE_SWEEP_MS = 250;
/** A connect (TCP, plus TLS) that takes longer fails as `connect timeout`. */
export const CONNECT_TIMEOUT_MS = 10_000;
/** The read buffer all sockets share. */
const READ_BUFFER_BYTES = 64 * 1024;
/** TLS sessions kept for resumption (one per origin). */
const MAX_TLS_SESSIONS = 100;

export const CONNECTIONS_OPENED = 'connections_opened';
export const CONNECT_TIME = 'connect_time';

/** The request a connection sends. */
export interface OutgoingRequest {
  method: string;
  /** path and query */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable | null;
}

/** What a connection reports about the response to the request it runs. */
export interface ResponseHandler {
  /** the response head (status ≥ 200; interim 1xx responses are skipped); names as sent */
  onResponseHead(status: number, headers: string[]): void;
  /** a slice of the body; false pauses the socket until `resume(handler)` */
  onResponseData(chunk: Buffer): boolean;
  /** the response is complete (the connection is free again before this is called) */
  onResponseEnd(): void;
  /** the request failed, before or during the response; at most once, never after onResponseEnd */
  onResponseError(err: Error): void;
}

/** A request waiting for a connection (exchange.ts). */
export interface Dispatchable {
  /** settled already (timed out or stopped while it waited for a connection): skip it */
  readonly settled: boolean;
  /** sends the request on `conn`; it calls `owner.release(conn)` once the connection is free */
  start(conn: Connection, owner: ConnectionOwner): void;
}

/** Hands out connections and takes them back. */
export interface ConnectionOwner {
  /** starts `req` on a free connection to `origin`, now or once one is free */
  send(origin: string, req: Dispatchable): void;
  /** the request `conn` ran is over: the connection is free */
  release(conn: Connection): void;
}

/** An origin as a connection needs it, parsed once. */
interface Origin {
  origin: string;
  tls: boolean;
  hostname: string;
  port: number;
  /** the Host header: host[:port] as in the URL */
  host: string;
  /** TLS server name (SNI): the host name, none for an IP address */
  servername?: string;
}

export class Connection implements ParserSink {
  /** handed out by its owner (set and cleared by the owner) */
  busy = false;
  private socket: Socket | undefined;
  private handler: ResponseHandler | undefined;
  private readonly parser = new ResponseParser(this);
  /** the parser reached the end of the response inside the current read */
  private ended = false;
  /** the reader asked to pause (its body buffer is full) */
  private readerPaused = false;
  /** a read's unparsed rest while the reader is paused */
  private pendingBuf: Buffer | undefined;
  private pendingAt = 0;
  /** stops a streamed request body (set while one is being written) */
  private stopUpload: (() => void) | undefined;
  private uploadDone = true;
  /** performance.now() past which the idle socket is closed */
  idleDeadline = Number.POSITIVE_INFINITY;
  private closed = false;
  private closeWhenDone = false;

  constructor(
    readonly origin: Origin,
    private readonly factory: ConnectionFactory,
  ) {}

  /** Runs one request; the handler hears about its response (or failure). */
  run(req: OutgoingRequest, handler: ResponseHandler): void {
    if (this.closed) {
      queueMicrotask(() => handler.onResponseError(codedError('connection closed', CLIENT_CLOSED)));
      return;
    }
    const block = headerBlock(req.headers);
    const body = req.body ?? null;
    let framing = '';
    let length = -1;
    if (typeof body === 'string') length = Buffer.byteLength(body);
    else if (Buffer.isBuffer(body)) length = body.length;
    if (length >= 0) {
      if (block.contentLength !== undefined && block.contentLength !== length) {
        queueMicrotask(() => handler.onResponseError(codedError('request body length mismatch', BODY_LENGTH_MISMATCH)));
        return;
      }
      framing = `content-length: ${length}\r\n`;
    } else if (body !== null) {
      framing = block.contentLength !== undefined ? `content-length: ${block.contentLength}\r\n` : 'transfer-encoding: chunked\r\n';
    } else if (req.method === 'POST' || block.contentLength !== undefined) {
      framing = `content-length: ${block.contentLength ?? 0}\r\n`;
    }
    this.handler = handler;
    this.ended = false;
    this.readerPaused = false;
    this.uploadDone = true;
    this.idleDeadline = Number.POSITIVE_INFINITY;
    this.parser.start(req.method === 'HEAD');
    let socket = this.socket;
    if (socket === undefined) socket = this.open();
    else socket.ref();
    const head = requestHead(req.method, req.path, this.origin.host, block, framing);
    if (typeof body === 'string' && !block.latin1) {
      // one write, one syscall: head and body together
      socket.write(head + body);
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    } else if (body === null) {
      socket.write(head, 'latin1');
    } else {
      socket.write(head, 'latin1');
      this.upload(socket, body, block.contentLength);
    }
  }

  /** Resumes a response paused by its reader. */
  resume(handler: ResponseHandler): void {
    if (handler !== this.handler || !this.readerPaused) return;
    this.readerPaused = false;
    const buf = this.pendingBuf;
    const socket = this.socket;
    if (buf !== undefined && socket !== undefined) {
      this.pendingBuf = undefined;
      this.feed(socket, buf, this.pendingAt, false);
      // paused again: the socket stays paused
      if (this.readerPaused) return;
    }
    this.socket?.resume();
  }

  /** Fails the running request with `err` and closes the socket (it may hold the rest of a response). */
  abort(handler: ResponseHandler, err: Error): void {
    if (handler !== this.handler) return;
    this.handler = undefined;
    this.endUpload();
    this.dropSocket();
    handler.onResponseError(err);
  }

  /** Opens the socket now (warm start); resolves false when that failed (the first request retries). */
  preconnect(): Promise<boolean> {
    if (this.socket !== undefined) return Promise.resolve(true);
    const socket = this.open();
    this.idleDeadline = performance.now() + IDLE_MS;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        socket.off(this.origin.tls ? 'secureConnect' : 'connect', onOk).off('close', onFail);
        // connected and idle: it must not hold the process open (a request refs it again)
        if (ok && this.socket === socket && this.handler === undefined) socket.unref();
        resolve(ok);
      };
      const onOk = () => done(true);
      const onFail = () => done(false);
      socket.once(this.origin.tls ? 'secureConnect' : 'connect', onOk).once('close', onFail);
    });
  }

  /** Closes the socket; a running request is failed (`force`) or allowed to finish first. */
  close(force: boolean): void {
    this.closed = true;
    this.factory.forget(this);
    if (this.handler !== undefined && !force) {
      this.closeWhenDone = true;
      return;
    }
    const h = this.handler;
    this.handler = undefined;
    this.endUpload();
    this.dropSocket();
    h?.onResponseError(codedError('connection closed', CLIENT_CLOSED));
  }

  /** @internal the idle sweep: closes the socket once idle past its deadline */
  sweepIdle(now: number): void {
    if (this.handler === undefined && this.socket !== undefined && now >= this.idleDeadline) this.dropSocket();
  }

  // -- ParserSink --

  onHead(status: number, headers: string[]): void {
    this.handler?.onResponseHead(status, headers);
  }

  onBody(chunk: Buffer): boolean {
    const h = this.handler;
    if (h === undefined) return false;
    // a copy: the read buffer is reused, the reader keeps what it is given
    if (h.onResponseData(Buffer.from(chunk))) return true;
    this.readerPaused = true;
    return false;
  }

  onEnd(): void {
    // completed after the parser returns: the rest of the read decides whether the socket is reused
    this.ended = true;
  }

  // -- socket --

  private open(): Socket {
    // reads land in the factory's one read buffer (no stream machinery, no buffer per read):
    // parsed at once, and what is kept is copied
    const onRead = (nread: number, buf: Buffer): boolean => {
      if (socket !== this.socket) return true;
      // bytes nobody asked for (no request, or past the end of the response): unusable
      if (this.handler === undefined || !this.parser.active) {
        this.dropSocket();
        return false;
      }
      this.feed(socket, buf.subarray(0, nread), 0, true);
      // false pauses the socket (the reader fell behind) until resume()
      return !this.readerPaused;
    };
    const socket = this.factory.connect(this.origin, onRead);
    socket.on('end', () => this.gone(socket, undefined));
    socket.on('error', (err: Error) => this.gone(socket, err));
    socket.on('close', () => this.gone(socket, undefined));
    this.socket = socket;
    return socket;
  }

  /**
   * Parses a read (from `at`); completes the response if it ended; when the reader asked to
   * pause, keeps the rest (a copy if `shared`: the read buffer is reused) for resume().
   */
  private feed(socket: Socket, buf: Buffer, at: number, shared: boolean): void {
    let pos: number;
    try {
      pos = this.parser.execute(buf, at);
    } catch (err) {
      const h = this.handler;
      if (h !== undefined) this.abort(h, err as Error);
      return;
    }
    if (socket !== this.socket) return;
    if (this.ended) this.complete(pos < buf.length);
    else if (this.readerPaused && pos < buf.length) {
      // the reader fell behind: keep the rest of this read until it resumes
      this.pendingBuf = shared ? Buffer.from(buf.subarray(pos)) : buf;
      this.pendingAt = shared ? 0 : pos;
    }
  }

  /** The response ended: free the connection (reused if allowed), then tell the handler. */
  private complete(leftover: boolean): void {
    this.ended = false;
    const h = this.handler!;
    this.handler = undefined;
    const reusable = this.parser.keepAlive && !leftover && this.uploadDone && !this.closeWhenDone;
    this.endUpload();
    const announced = this.parser.keepAliveMs;
    const idleMs = announced === undefined ? IDLE_MS : announced - IDLE_MARGIN_MS;
    if (reusable && idleMs > 0) {
      this.idleDeadline = performance.now() + idleMs;
      const socket = this.socket!;
      // reading again while idle (a FIN or stray bytes must be seen), not holding the process
      if (this.readerPaused) {
        this.readerPaused = false;
        socket.resume();
      }
      socket.unref();
    } else {
      this.dropSocket();
    }
    h.onResponseEnd();
  }

  /** The socket ended, failed or closed. */
  private gone(socket: Socket, err: Error | undefined): void {
    if (socket !== this.socket) return;
    this.socket = undefined;
    this.pendingBuf = undefined;
    const h = this.handler;
    if (h !== undefined) {
      if (err === undefined && this.parser.finishAtEof()) {
        // a body read until the close: complete
        this.ended = false;
        this.handler = undefined;
        this.endUpload();
        h.onResponseEnd();
      } else {
        this.handler = undefined;
        this.endUpload();
        h.onResponseError(err ?? codedError(this.parser.inBody ? 'connection closed mid-body' : 'connection closed by the server', PEER_CLOSED));
      }
    }
    socket.destroy();
  }

  private dropSocket(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.socket = undefined;
    this.pendingBuf = undefined;
    socket.destroy();
  }

  /** Writes a streamed body with backpressure; checks its length against Content-Length. */
  private upload(socket: Socket, body: Readable, declared: number | undefined): void {
    const chunked = declared === undefined;
    let sent = 0;
    this.uploadDone = false;
    const fail = (err: Error) => {
      const h = this.handler;
      if (h !== undefined) this.abort(h, err);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (buf.length === 0) return;
      sent += buf.length;
      if (!chunked && sent > declared) return fail(codedError('request body longer than its Content-Length', BODY_LENGTH_MISMATCH));
      let more: boolean;
      if (chunked) {
        socket.cork();
        socket.write(`${buf.length.toString(16)}\r\n`, 'latin1');
        socket.write(buf);
        more = socket.write('\r\n', 'latin1');
        socket.uncork();
      } else {
        more = socket.write(buf);
      }
      if (!more) body.pause();
    };
    const onDrain = () => body.resume();
    const onEnd = () => {
      this.endUpload();
      this.uploadDone = true;
      if (chunked) socket.write('0\r\n\r\n', 'latin1');
      else if (sent !== declared) fail(codedError('request body shorter than its Content-Length', BODY_LENGTH_MISMATCH));
    };
    const onError = (err: Error) => fail(err);
    body.on('data', onData).on('end', onEnd).on('error', onError);
    socket.on('drain', onDrain);
    this.stopUpload = () => {
      body.off('data', onData).off('end', onEnd).off('error', onError);
      socket.off('drain', onDrain);
      if (!this.uploadDone) body.destroy();
    };
  }

  private endUpload(): void {
    const stop = this.stopUpload;
    if (stop === undefined) return;
    this.stopUpload = undefined;
    stop();
  }
}

/** Opens sockets: counted and timed, TLS sessions reused per origin; closes idle ones in time. */
export class ConnectionFactory {
  private readonly origins = new Map<string, Origin>();
  private readonly live = new Set<Connection>();
  private readonly sessions = new Map<string, Buffer>();
  /** every socket reads into this one buffer: each read is parsed before the next can land */
  private readonly readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly recorder: Recorder) {}

  create(origin: string): Connection {
    const conn = new Connection(this.originOf(origin), this);
    this.live.add(conn);
    if (this.sweepTimer === undefined) {
      this.sweepTimer = setInterval(() => this.sweep(), IDLE_SWEEP_MS);
      this.sweepTimer.unref();
    }
    return conn;
  }

  /** A connection closed for good. */
  forget(conn: Connection): void {
    this.live.delete(conn);
    if (this.live.size === 0 && this.sweepTimer !== undefined) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }

  /** Connections made and not closed for good. */
  get size(): number {
    return this.live.size;
  }

  /**
   * A new socket to `o`, connecting; its reads go to `onRead` in the factory's one read buffer.
   * Counted in `connections_opened`, timed in `connect_time`.
   */
  connect(o: Origin, onRead: (nread: number, buf: Buffer) => boolean): Socket {
    const t0 = performance.now();
    const onread = { buffer: this.readBuffer, callback: onRead };
    const socket: Socket = o.tls
      ? tlsConnect({
          host: o.hostname,
          port: o.port,
          servername: o.servername,
          ALPNProtocols: ['http/1.1'],
          session: this.sessions.get(o.origin),
          // tls.connect takes onread as net.connect does (Node docs); @types/node lacks it
          onread,
        } as ConnectionOptions)
      : netConnect({ host: o.hostname, port: o.port, onread });
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    const event = o.tls ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => socket.destroy(codedError(`connect timeout after ${CONNECT_TIMEOUT_MS / 1000}s`, CONNECT_TIMEOUT)), CONNECT_TIMEOUT_MS);
    timer.unref();
    const connected = () => {
      clearTimeout(timer);
      socket.off('close', cancel);
      this.recorder.count(CONNECTIONS_OPENED);
      this.recorder.trend(CONNECT_TIME, performance.now() - t0, 'ms');
    };
    const cancel = () => {
      clearTimeout(timer);
      socket.off(event, connected);
    };
    socket.once(event, connected).once('close', cancel);
    if (o.tls) {
      socket.on('session', (session: Buffer) => {
        if (this.sessions.size >= MAX_TLS_SESSIONS && !this.sessions.has(o.origin)) this.sessions.clear();
        this.sessions.set(o.origin, session);
      });
    }
    return socket as Socket | TLSSocket;
  }

  private originOf(origin: string): Origin {
    let o = this.origins.get(origin);
    if (o === undefined) {
      const u = new URL(origin);
      const tls = u.protocol === 'https:';
      const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
      const isIp = /^[\d.]+$/.test(hostname) || hostname.includes(':');
      o = {
        origin,
        tls,
        hostname,
        port: u.port ? Number(u.port) : tls ? 443 : 80,
        host: u.host,
        ...(tls && !isIp ? { servername: hostname } : {}),
      };
      this.origins.set(origin, o);
    }
    return o;
  }

  private sweep(): void {
    const now = performance.now();
    for (const conn of this.live) conn.sweepIdle(now);
  }
}

/** One virtual user's connections: one per request it has in flight at once, per origin. */
export class UserConnections implements ConnectionOwner {
  /** usually one: a user talks to one origin (two with a proxy-overhead baseline) */
  private readonly conns: Connection[] = [];

  constructor(private readonly factory: ConnectionFactory) {}

  send(origin: string, req: Dispatchable): void {
    let conn: Connection | undefined;
    for (const c of this.conns) {
      if (!c.busy && c.origin.origin === origin) {
        conn = c;
        break;
      }
    }
    if (conn === undefined) {
      conn = this.factory.create(origin);
      this.conns.push(conn);
    }
    conn.busy = true;
    req.start(conn, this);
  }

  release(conn: Connection): void {
    conn.busy = false;
  }

  /** Connections this user owns. */
  get size(): number {
    return this.conns.length;
  }

  /** A connection to `origin` to open ahead (warm start), or undefined when it has one. */
  toPreconnect(origin: string): Connection | undefined {
    if (this.conns.some((c) => c.origin.origin === origin)) return undefined;
    const conn = this.factory.create(origin);
    this.conns.push(conn);
    return conn;
  }

  close(force: boolean): void {
    for (const c of this.conns.splice(0)) c.close(force);
  }
}

/** Requests waiting for a connection, oldest first. */
class WaitQueue {
  private items: (Dispatchable | undefined)[] = [];
  private head = 0;

  push(req: Dispatchable): void {
    this.items.push(req);
  }

  shift(): Dispatchable | undefined {
    if (this.head >= this.items.length) return undefined;
    const req = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    }
    return req;
  }
}

interface OriginPool {
  free: Connection[];
  all: Connection[];
  waiting: WaitQueue;
}

/** A shared pool: at most `limit` connections per origin, the most recently freed reused first. */
export class ConnectionPool implements ConnectionOwner {
  private readonly origins = new Map<string, OriginPool>();

  constructor(
    private readonly factory: ConnectionFactory,
    readonly limit: number,
  ) {}

  private pool(origin: string): OriginPool {
    let p = this.origins.get(origin);
    if (p === undefined) {
      p = { free: [], all: [], waiting: new WaitQueue() };
      this.origins.set(origin, p);
    }
    return p;
  }

  send(origin: string, req: Dispatchable): void {
    const p = this.pool(origin);
    let conn = p.free.pop();
    if (conn === undefined) {
      if (p.all.length >= this.limit) {
        p.waiting.push(req);
        return;
      }
      conn = this.factory.create(origin);
      p.all.push(conn);
    }
    conn.busy = true;
    req.start(conn, this);
  }

  release(conn: Connection): void {
    const p = this.origins.get(conn.origin.origin);
    for (let next = p?.waiting.shift(); next !== undefined; next = p!.waiting.shift()) {
      if (!next.settled) return next.start(conn, this);
    }
    conn.busy = false;
    p?.free.push(conn);
  }

  /** Connections to open ahead to `origin` (warm start), up to `count` in the pool. */
  toPreconnect(origin: string, count: number): Connection[] {
    const p = this.pool(origin);
    const out: Connection[] = [];
    while (p.all.length < Math.min(count, this.limit)) {
      const conn = this.factory.create(origin);
      p.all.push(conn);
      p.free.push(conn);
      out.push(conn);
    }
    return out;
  }

  close(force: boolean): void {
    const all = [...this.origins.values()].flatMap((p) => p.all);
    this.origins.clear();
    for (const c of all) c.close(force);
  }
}
