/**
 * Who owns which connection. A connection is an undici `Client`: one socket, one request at a
 * time, reconnected on its next request once its socket has closed. The load model decides:
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
 * Idle sockets: when a server announces its idle timeout (`Keep-Alive: timeout=N`, as Node's
 * http server and the mock do: 5 s), undici closes our side IDLE_MARGIN_MS before it, so a
 * request never races the server's close; without an announcement an idle socket is closed
 * after IDLE_MS. A server that closes an idle socket first is noticed (its FIN) and the
 * connection reopens on its owner's next request.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { buildConnector, Client } from 'undici';
import type { Recorder } from '../metrics/types.js';

/** Idle time after which we close a socket whose server announced no keep-alive timeout, ms. */
export const IDLE_MS = 30_000;
/** We close an idle socket this long before the server's announced keep-alive timeout, ms. */
const IDLE_MARGIN_MS = 1_000;

export const CONNECTIONS_OPENED = 'connections_opened';
export const CONNECT_TIME = 'connect_time';

type Connector = buildConnector.connector;
type ConnectOptions = buildConnector.Options;
type ConnectCallback = buildConnector.Callback;

/** A request ready to go on a connection (exchange.ts). */
export interface Dispatchable {
  /** settled already (timed out or stopped while it waited for a connection): skip it */
  readonly settled: boolean;
  /** sends the request on `conn`; it calls `owner.release(conn)` once undici is done with it */
  start(conn: Connection, owner: ConnectionOwner): void;
}

/** Hands out connections and takes them back. */
export interface ConnectionOwner {
  /** starts `req` on a free connection to `origin`, now or once one is free */
  send(origin: string, req: Dispatchable): void;
  /** undici is done with the request `conn` ran: the connection is free */
  release(conn: Connection): void;
}

/** One connection: an undici Client, plus a socket opened ahead of its first request. */
export class Connection {
  busy = false;
  readonly client: Client;
  /** opened by `preconnect`, handed to undici when it first asks for a socket */
  private parked: Socket | undefined;
  private unpark: (() => void) | undefined;

  constructor(
    readonly origin: string,
    private readonly factory: ConnectionFactory,
  ) {
    this.client = new Client(origin, {
      connect: (options, callback) => this.connect(options, callback),
      pipelining: 1,
      keepAliveTimeout: IDLE_MS,
      keepAliveMaxTimeout: IDLE_MS,
      keepAliveTimeoutThreshold: IDLE_MARGIN_MS,
      // our own timeout sweep decides; undici's would fire with less precise names
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** Opens the socket now (warm start); false when that failed (the first request will retry). */
  preconnect(): Promise<boolean> {
    if (this.parked !== undefined) return Promise.resolve(true);
    return new Promise((resolve) => {
      this.factory.connect(connectOptions(this.origin), (err, socket) => {
        if (err !== null) return resolve(false);
        this.park(socket);
        resolve(true);
      });
    });
  }

  async close(force: boolean): Promise<void> {
    this.dropParked();
    await (force ? this.client.destroy() : this.client.close()).catch(() => undefined);
  }

  /** undici's connector for this client: the parked socket if it is still good, else a new one. */
  private connect(options: ConnectOptions, callback: ConnectCallback): void {
    const socket = this.parked;
    if (socket !== undefined) {
      this.unpark!();
      this.parked = undefined;
      this.unpark = undefined;
      if (!socket.destroyed && socket.readyState === 'open') {
        socket.ref();
        // never synchronously: undici asks from inside its resume loop, which would then
        // skip the request this socket is for
        queueMicrotask(() => callback(null, socket));
        return;
      }
      socket.destroy();
    }
    this.factory.connect(options, callback);
  }

  /**
   * Holds an open socket until undici asks for one. A parked socket must stay silent: bytes
   * or a close from the server make it unusable, and it is dropped (the first request then
   * opens a new one). Unreferenced: a parked socket never keeps the process alive.
   */
  private park(socket: Socket): void {
    const drop = () => this.dropParked();
    // flowing while parked, so a FIN is seen ('end'); paused again before undici takes it over
    // (undici reads with 'readable', which then sets the stream up for itself)
    socket.on('data', drop).on('end', drop).on('close', drop).on('error', drop);
    socket.unref();
    this.parked = socket;
    this.unpark = () => {
      socket.pause();
      socket.off('data', drop).off('end', drop).off('close', drop).off('error', drop);
    };
  }

  private dropParked(): void {
    const socket = this.parked;
    if (socket === undefined) return;
    this.unpark!();
    this.parked = undefined;
    this.unpark = undefined;
    socket.destroy();
  }
}

/** What undici's client passes its connector for an origin. */
function connectOptions(origin: string): ConnectOptions {
  const u = new URL(origin);
  const hostname = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return { host: u.host, hostname, protocol: u.protocol, port: u.port, servername: undefined, localAddress: null };
}

/** Makes connections: one connector (and TLS session cache) for all, each socket counted and timed. */
export class ConnectionFactory {
  private readonly base: Connector = buildConnector({});

  constructor(private readonly recorder: Recorder) {}

  create(origin: string): Connection {
    return new Connection(origin, this);
  }

  /** Opens a socket: counted in `connections_opened`, its connect time in `connect_time`. */
  connect(options: ConnectOptions, callback: ConnectCallback): void {
    const t0 = performance.now();
    this.base(options, (...args: Parameters<ConnectCallback>) => {
      if (args[0] === null) {
        this.recorder.count(CONNECTIONS_OPENED);
        this.recorder.trend(CONNECT_TIME, performance.now() - t0, 'ms');
      }
      callback(...args);
    });
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
      if (!c.busy && c.origin === origin) {
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
    if (this.conns.some((c) => c.origin === origin)) return undefined;
    const conn = this.factory.create(origin);
    this.conns.push(conn);
    return conn;
  }

  async close(force: boolean): Promise<void> {
    await Promise.all(this.conns.splice(0).map((c) => c.close(force)));
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

/** A shared pool: at most `size` connections per origin, the most recently freed reused first. */
export class ConnectionPool implements ConnectionOwner {
  private readonly origins = new Map<string, OriginPool>();

  constructor(
    private readonly factory: ConnectionFactory,
    readonly size: number,
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
      if (p.all.length >= this.size) {
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
    const p = this.origins.get(conn.origin);
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
    while (p.all.length < Math.min(count, this.size)) {
      const conn = this.factory.create(origin);
      p.all.push(conn);
      p.free.push(conn);
      out.push(conn);
    }
    return out;
  }

  async close(force: boolean): Promise<void> {
    const all = [...this.origins.values()].flatMap((p) => p.all);
    this.origins.clear();
    await Promise.all(all.map((c) => c.close(force)));
  }
}
