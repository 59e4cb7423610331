/**
 * The one HTTP path of the tester. `call` sends a request, hands the response to a reader
 * (which parses and checks it, and may throw CheckFailure), and records the request exactly
 * once: as a success, or as a failure with a stable name. It never throws for request-level
 * problems, so scenarios decide what to do with a failed step.
 *
 * Connections follow the load model (connections.ts): `forUser(id)` gives a closed-model user
 * its own connections; `call` on the client itself uses the shared pool (open model, requests
 * outside any user), at most `connections` per origin.
 *
 * Cost per request matters here (a load tester's own CPU caps the load it can make), so the
 * transport is our own HTTP/1.1 over node:net/tls sockets (connections.ts, h1-parser.ts):
 *   - a request is one write (head and body together) on its connection; a header object is
 *     checked and serialized once (h1-request.ts); one small handler object per request, no
 *     AbortController, no Readable: the body is a ResponseBody that buffers chunks for
 *     `json()`/`text()`/`bytes()` or hands them out one by one to `for await` (SSE);
 *   - no timer per request: one sweep timer per client aborts requests past their deadline, so
 *     a timeout fires up to one sweep interval late (SWEEP_MAX_MS = 100 ms, or a tenth of the
 *     client's timeout when that is shorter, at least 10 ms); the failure is still named
 *     `timeout after <configured timeout>`;
 *   - one listener on the run signal for the whole client, which aborts every request in flight.
 */
import { performance } from 'node:perf_hooks';
import type { Recorder } from '../metrics/types.js';
import { ConnectionFactory, ConnectionPool, UserConnections, type Connection, type ConnectionOwner } from './connections.js';
import { failureName } from './errors.js';
import { headerBlock } from './h1-request.js';
import { Exchange, targetOf, type ExchangeOwner, type InFlight } from './exchange.js';
import type { HttpCaller } from './retry.js';
import type { CallOutcome, HttpClientOptions, HttpRequestSpec, HttpResponseView } from './types.js';

export type { HttpCaller } from './retry.js';
export type { CallOutcome, HttpClientOptions, HttpMethod, HttpRequestSpec, HttpResponseView } from './types.js';
export { ResponseBody, readAll, readJson, readLimited } from './response-body.js';

/** Sockets a warm start opens at once (a burst of SYNs past the server's backlog would be dropped). */
export const PRECONNECT_CONCURRENCY = 256;

export interface PreconnectPlan {
  /** origins (scheme://host:port) every user talks to */
  origins: readonly string[];
  /** closed model: users 1..users get their connections opened */
  users: number;
  /** open model: connections of the shared pool to open per origin */
  pool: number;
  /** at most this many sockets in all */
  limit: number;
  /** stop opening more after this long, ms */
  budgetMs: number;
  signal?: AbortSignal;
}

/** Opens `conns`, PRECONNECT_CONCURRENCY at a time, until done, `budgetMs` or `signal`. */
async function openAll(conns: Connection[], budgetMs: number, signal?: AbortSignal): Promise<{ opened: number; failed: number }> {
  const deadline = performance.now() + budgetMs;
  let next = 0;
  let opened = 0;
  let failed = 0;
  const worker = async () => {
    while (next < conns.length && performance.now() < deadline && !signal?.aborted) {
      if (await conns[next++]!.preconnect()) opened++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PRECONNECT_CONCURRENCY, conns.length) }, worker));
  return { opened, failed };
}

/** Coarsest timeout sweep; a client with a short timeout sweeps at a tenth of it (≥ 10 ms). */
export const SWEEP_MAX_MS = 100;
const SWEEP_MIN_MS = 10;

export class HttpClient implements ExchangeOwner, HttpCaller {
  readonly recorder: Recorder;
  private readonly factory: ConnectionFactory;
  /** the shared pool: open model, and requests made outside any user */
  private readonly pool: ConnectionPool;
  /** closed-model users by id */
  private readonly users: (UserHttp | undefined)[] = [];
  private readonly timeoutMs: number;
  private readonly runSignal?: AbortSignal;
  private readonly inFlight = new Set<InFlight>();
  /**
   * Recorded requests whose connection still reads the rest of a body their reader did not
   * consume: the sweep cuts them at their deadline (and run stop at once), or a server that
   * never finishes that body would hold the connection busy for ever.
   */
  private readonly draining = new Set<InFlight>();
  private readonly sweepMs: number;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly onRunAbort = () => {
    for (const ex of [...this.inFlight, ...this.draining]) ex.abort('stopped');
  };
  private readonly sweep = () => {
    if (this.inFlight.size === 0 && this.draining.size === 0) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
      return;
    }
    const now = performance.now();
    for (const ex of this.inFlight) if (ex.deadline <= now) ex.abort('timeout');
    for (const ex of this.draining) if (ex.deadline <= now) ex.abort('timeout');
  };

  constructor(opts: HttpClientOptions) {
    this.recorder = opts.recorder;
    this.timeoutMs = opts.requestTimeoutMs;
    this.sweepMs = Math.min(SWEEP_MAX_MS, Math.max(SWEEP_MIN_MS, Math.floor(this.timeoutMs / 10)));
    this.runSignal = opts.signal;
    this.runSignal?.addEventListener('abort', this.onRunAbort, { once: true });
    this.factory = new ConnectionFactory(opts.recorder);
    this.pool = new ConnectionPool(this.factory, opts.connections);
  }

  /** Requests started and not yet recorded. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** How late a timeout may fire (the sweep interval), ms. */
  get timeoutResolutionMs(): number {
    return this.sweepMs;
  }

  /** A request on the shared pool. */
  call<T>(spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>): Promise<CallOutcome<T>> {
    return this.send(this.pool, spec, read);
  }

  /** Closed-model user `userId`'s view of the client: its requests go on its own connections. */
  forUser(userId: number): UserHttp {
    let user = this.users[userId];
    if (user === undefined) {
      user = new UserHttp(this, new UserConnections(this.factory));
      this.users[userId] = user;
    }
    return user;
  }

  /** A user left the run: its connections close once their requests are done. */
  releaseUser(userId: number): void {
    const user = this.users[userId];
    if (user === undefined) return;
    this.users[userId] = undefined;
    user.connections.close(false);
  }

  /** Connections owned by users now (each reopens on demand if its server closed it). */
  get userConnections(): number {
    let n = 0;
    for (const u of this.users) if (u !== undefined) n += u.connections.size;
    return n;
  }

  /**
   * Warm start: opens ahead of their first request the connections of users 1..`users` (closed
   * model) and `pool` connections of the shared pool (open model), to each origin, at most
   * `limit` in all, PRECONNECT_CONCURRENCY at a time, for at most `budgetMs`. What is not open
   * by then opens on its first request. Resolves with the sockets opened and the attempts that
   * failed (their first request fails or succeeds on its own).
   */
  async preconnect(plan: PreconnectPlan): Promise<{ opened: number; failed: number }> {
    const conns: Connection[] = [];
    for (const origin of plan.origins) conns.push(...this.pool.toPreconnect(origin, Math.min(plan.pool, plan.limit)));
    for (let id = 1; id <= plan.users && conns.length < plan.limit; id++) {
      for (const origin of plan.origins) {
        const conn = this.forUser(id).connections.toPreconnect(origin);
        if (conn !== undefined && conns.length < plan.limit) conns.push(conn);
      }
    }
    return openAll(conns, plan.budgetMs, plan.signal);
  }

  /** @internal sends `spec` on a connection of `owner` */
  send<T>(owner: ConnectionOwner, spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>): Promise<CallOutcome<T>> {
    const timeoutMs = spec.timeoutMs ?? this.timeoutMs;
    const now = performance.now();
    const startedAtMs = spec.intendedStartMs ?? now;
    let t: { origin: string; path: string } | undefined;
    let urlError: string | undefined;
    try {
      t = targetOf(spec.url);
    } catch (err) {
      urlError = failureName(err);
    }
    const ex = new Exchange<T>(this, spec, read, t?.path ?? '', startedAtMs, timeoutMs, timeoutMs > 0 ? now + timeoutMs : Number.POSITIVE_INFINITY);
    const out = new Promise<CallOutcome<T>>((resolve) => (ex.resolve = resolve));
    this.inFlight.add(ex);
    if (this.runSignal?.aborted) {
      ex.abort('stopped');
      return out;
    }
    if (timeoutMs > 0 && this.sweepTimer === undefined) {
      this.sweepTimer = setInterval(this.sweep, this.sweepMs);
      this.sweepTimer.unref();
    }
    if (t === undefined) {
      ex.failSoon(urlError!);
      return out;
    }
    const badHeader = headerBlock(spec.headers).invalid;
    if (badHeader !== undefined) {
      ex.failSoon(`invalid header: ${badHeader}`);
      return out;
    }
    owner.send(t.origin, ex);
    return out;
  }

  /** @internal an exchange was recorded (`draining`: its connection is not free yet) */
  settle(ex: InFlight, draining: boolean): void {
    this.inFlight.delete(ex);
    if (draining) this.draining.add(ex);
  }

  /** @internal a recorded exchange's connection is free */
  drained(ex: InFlight): void {
    this.draining.delete(ex);
  }

  /** Closes idle sockets; with `force`, destroys busy ones too (abandoned requests). */
  async close(force = false): Promise<void> {
    this.runSignal?.removeEventListener('abort', this.onRunAbort);
    this.pool.close(force);
    for (const u of this.users.splice(0)) u?.connections.close(force);
    // (a body still draining keeps the sweep: its deadline still cuts it)
    if (this.inFlight.size === 0 && this.draining.size === 0 && this.sweepTimer) {
      clearInterval(this.sweepTimer);
      this.sweepTimer = undefined;
    }
  }
}

/** What a closed-model user calls: the client, on this user's own connections. */
export class UserHttp implements HttpCaller {
  constructor(
    private readonly client: HttpClient,
    /** @internal */
    readonly connections: UserConnections,
  ) {}

  call<T>(spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>): Promise<CallOutcome<T>> {
    return this.client.send(this.connections, spec, read);
  }
}
