/**
 * startServeServer: the orchestrator's HTTP server on node:http. Runs go through the engine's
 * runLoadTest (the CLI's engine) unless a test injects another runner.
 *
 * close(): refuses new runs, stops the running ones (each keeps its partial result, and a sync
 * caller still gets its answer), waits for them, then closes the listener and its connections.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoadTest } from '../engine/runner.js';
import { redactor } from '../http/redact.js';
import { createTokenCheck } from './auth.js';
import type { Runner } from './executor.js';
import { DEFAULT_BODY_LIMIT_BYTES } from './http.js';
import { silentLog, type ServeLog } from './log.js';
import { handleRequest, type RouteContext } from './routes.js';
import { RunRegistry } from './runs.js';

export interface ServeOptions {
  /** the bearer token every route but /health requires (LOAD_TEST_BEARER_TOKEN) */
  token: string;
  /** default 8000; 0 picks a free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 1: a further POST gets 409 */
  maxConcurrentRuns?: number;
  /** finished runs kept for GET /runs, default 50 */
  history?: number;
  /** LOCUST_HOST, LOCUST_*_HOST, API keys ... (default: none) */
  env?: Record<string, string | undefined>;
  cwd?: string;
  log?: ServeLog;
  /** the engine; tests may inject a stand-in */
  runner?: Runner;
  bodyLimitBytes?: number;
}

export interface ServeServer {
  url: string;
  registry: RunRegistry;
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

const CLOSE_GRACE_MS = 5_000;

export async function startServeServer(options: ServeOptions): Promise<ServeServer> {
  const token = options.token;
  if (!token) throw new Error('startServeServer: a bearer token is required');
  redactor.add(token);
  const log = options.log ?? silentLog;
  const registry = new RunRegistry(Math.max(1, options.maxConcurrentRuns ?? 1), Math.max(0, options.history ?? 50));
  let closing = false;
  const ctx: RouteContext = {
    registry,
    runner: options.runner ?? runLoadTest,
    log,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    checkToken: createTokenCheck(token),
    // the token must never leave the server, whatever ends up in a body
    scrub: (text) => (text.includes(token) ? text.split(token).join('***') : text),
    bodyLimitBytes: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    closing: () => closing,
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    res.on('finish', () => {
      // path only: a query string is ours to define and carries nothing secret, but keep lines short
      log(`${req.method} ${req.url?.split('?')[0]} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    });
    void handleRequest(ctx, req, res);
  });
  const address = await listen(server, options.port ?? 8000, options.host ?? '127.0.0.1');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  log(`listening on ${url}`);

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= (async () => {
      closing = true;
      const active = registry.active();
      if (active.length > 0) log(`shutting down: stopping ${active.length} run(s)`);
      for (const run of active) run.controller.abort();
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all(active.map((r) => r.done));
      // sync callers have their answers now; give them a moment to read them
      const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
      server.closeIdleConnections();
      await serverClosed;
      clearTimeout(timer);
      log('closed');
    })();
    return closed;
  };
  return { url, registry, close };
}
