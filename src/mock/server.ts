import { once } from 'node:events';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthGate } from './auth/auth.js';
import { BatchLineRunner } from './batches/line-runner.js';
import { CapacityGate } from './capacity.js';
import { BatchProcessor } from './batches/processor.js';
import { BatchRoutes } from './batches/routes.js';
import { BatchStore } from './batches/store.js';
import type { MockServerOptions } from './config/options.js';
import { resolveOptions } from './config/resolve.js';
import { NO_FAULT_PLAN } from './faults/faults.js';
import { FileRoutes } from './files/routes.js';
import { FileStore } from './files/store.js';
import type { RequestContext } from './http/context.js';
import { errorBodyJson } from './http/errors.js';
import { json } from './http/reply.js';
import { Responder, writeJson } from './http/respond.js';
import type { JsonHandler, Route } from './http/router.js';
import { readJsonObjectThen } from './http/body.js';
import type { Reply } from './http/reply.js';
import { ChatCompletions } from './inference/chat.js';
import type { InferenceDeps, InferenceEndpoint } from './inference/deps.js';
import { Completions } from './inference/completions.js';
import { Embeddings } from './inference/embeddings.js';
import { Responses } from './inference/responses.js';
import { MockText } from './inference/text.js';
import { LatencyModel } from './latency.js';
import { buildRouter } from './routes.js';
import { type MockStats, StatsCollector } from './stats.js';
import { SequentialIds } from './util/ids.js';
import { createRng, deriveSeed, randomSeed } from './util/rng.js';
import { TimerRegistry } from './util/timers.js';
import type { BatchEndpoint } from './batches/model.js';
import { rateLimited, serverError } from './http/errors.js';

export interface MockServer {
  /** e.g. http://127.0.0.1:PORT: no trailing slash, no base path. */
  url: string;
  port: number;
  /** Closes keep-alive and hanging connections at once, stops batches, deletes stored files. */
  close(): Promise<void>;
  stats(): MockStats;
}

/** Starts the mock server; resolves once it listens. Throws MockConfigError on a bad option. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const resolved = resolveOptions(options);
  const seed = resolved.seed ?? randomSeed();
  const rng = (stream: string) => createRng(deriveSeed(seed, stream));
  const faultRng = rng('faults');
  const stats = new StatsCollector();
  const timers = new TimerRegistry();
  const fileStore = await FileStore.create(stats, resolved.retention, timers);
  const auth = new AuthGate(
    resolved.auth.noAuth,
    resolved.auth.adminUser,
    resolved.auth.adminPassword,
    resolved.auth.staticKeys,
    resolved.faults.retryAfterSeconds,
  );

  const { maxConcurrency, maxQueue } = resolved.capacity;
  const capacity = maxConcurrency > 0 ? new CapacityGate(maxConcurrency, maxQueue, resolved.faults.retryAfterSeconds) : null;
  if (capacity !== null) stats.capacity = () => capacity.snapshot();
  const deps: InferenceDeps = {
    options: resolved,
    latency: new LatencyModel(resolved.latency, rng('latency')),
    text: new MockText(resolved.latency.maxTokensCap),
    timers,
    ids: new SequentialIds(''),
    capacity,
  };
  const chat = new ChatCompletions(deps);
  const responses = new Responses(deps);
  const embeddings = new Embeddings(deps);
  const completions = new Completions(deps);
  const endpoints: Record<BatchEndpoint, InferenceEndpoint> = {
    '/v1/chat/completions': chat,
    '/v1/responses': responses,
    '/v1/embeddings': embeddings,
    '/v1/completions': completions,
  };

  const batchStore = new BatchStore(stats, fileStore, resolved.retention, timers);
  const snapshot = (): MockStats => {
    batchStore.settleAll();
    return stats.snapshot();
  };
  // Filled once the router exists: batch lines use the fault plan of their online route.
  const routesByKey = new Map<string, Route>();
  const processor = new BatchProcessor({
    options: resolved,
    batches: batchStore,
    files: fileStore,
    stats,
    timers,
    runner: new BatchLineRunner(new SequentialIds(''), faultRng, resolved.faults.retryAfterSeconds),
    batchRng: rng('batch'),
    endpointFor: (endpoint) => endpoints[endpoint],
    faultPlanFor: (routeKey) => routesByKey.get(routeKey)?.faults ?? NO_FAULT_PLAN,
  });

  stats.gauges = () => ({ batches: batchStore.size, files: fileStore.size, enqueuedTokens: processor.enqueuedTokens });

  const router = buildRouter({
    options: resolved,
    auth,
    stats,
    files: new FileRoutes(fileStore, resolved.files),
    batches: new BatchRoutes(batchStore, fileStore, processor, resolved),
    chat,
    responses,
    embeddings,
    completions,
    statsHandler: () => json(200, JSON.stringify(snapshot())),
  });
  for (const route of router.routes()) routesByKey.set(route.routeKey, route);

  const responder = new Responder(stats, timers);
  const requestIds = new SequentialIds('req_');
  const retryAfter = resolved.faults.retryAfterSeconds;

  /** Sends a handler's reply: at once when it is ready (the zero-latency hot path), else when it settles. */
  const dispatch = (ctx: RequestContext, reply: Reply | Promise<Reply>): void => {
    if (reply instanceof Promise) {
      reply.then(
        (r) => responder.send(ctx, r),
        (err: unknown) => responder.sendError(ctx, err),
      );
    } else {
      responder.send(ctx, reply);
    }
  };
  // Shared by every JSON-body request (no per-request closures): called once the body is parsed, or failed.
  const onJsonBody = (ctx: RequestContext, handle: JsonHandler, body: Record<string, unknown>): void => {
    try {
      dispatch(ctx, handle(body, ctx));
    } catch (err) {
      responder.sendError(ctx, err);
    }
  };
  const onJsonError = (ctx: RequestContext, err: unknown): void => responder.sendError(ctx, err);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const requestId = requestIds.next();
    const match = router.match(method, pathname);
    if (match === null) {
      stats.recordRequest('unknown', '404');
      const message = `Invalid URL (${method} ${pathname.slice(0, 200)})`;
      writeJson(res, 404, errorBodyJson(message, 'invalid_request_error', null, null), requestId);
      return;
    }
    const { route } = match;
    const fault = route.faults.active ? route.faults.draw(faultRng) : null;
    const ctx: RequestContext = {
      req,
      res,
      routeKey: route.routeKey,
      basePath: route.basePath,
      param: match.param,
      query: q === -1 ? '' : url.slice(q + 1),
      requestId,
      fault,
    };
    if (!route.counted) {
      // /__stats: answered, never counted.
      try {
        auth.checkBasic(req);
        const reply = route.handler(ctx) as ReturnType<typeof json>;
        writeJson(res, 200, reply.body, requestId);
      } catch (err) {
        const error = err as { status?: number; toJson?: () => string; headers?: readonly string[] };
        writeJson(res, error.status ?? 500, error.toJson?.() ?? '{}', requestId, error.headers);
      }
      return;
    }
    try {
      if (route.auth === 'bearer') auth.checkBearer(req);
      else if (route.auth === 'basic') auth.checkBasic(req);
      if (fault !== null) {
        switch (fault) {
          case 'error500':
            return responder.sendError(ctx, serverError());
          case 'error429':
            return responder.sendError(ctx, rateLimited(retryAfter));
          case 'reset':
            return responder.reset(ctx);
          case 'hang':
            // Never answered: the client gives up, or close() drops the connection.
            responder.record(ctx, 'hang');
            req.resume();
            return;
          default:
            break; // truncated / malformed: applied to the reply
        }
      }
      const { json: body } = route;
      if (body !== undefined) readJsonObjectThen(req, body.limit, ctx, body.handle, onJsonBody, onJsonError);
      else dispatch(ctx, route.handler(ctx));
    } catch (err) {
      responder.sendError(ctx, err);
    }
  };

  const server = createServer(onRequest);
  // Uploads of hundreds of MB may take a while on a loaded machine.
  server.requestTimeout = 0;
  server.listen(resolved.port, resolved.host);
  try {
    await once(server, 'listening');
  } catch (err) {
    await fileStore.destroy();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}`,
    port,
    stats: snapshot,
    close(): Promise<void> {
      closing ??= (async () => {
        timers.closeAll();
        capacity?.releaseAll();
        processor.wakeAll();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await fileStore.destroy();
      })();
      return closing;
    },
  };
}
