import type { AuthGate } from './auth/auth.js';
import { createApiKey } from './admin/routes.js';
import type { BatchRoutes } from './batches/routes.js';
import type { ResolvedMockOptions } from './config/defaults.js';
import { FaultPlan, faultRatesFor } from './faults/faults.js';
import type { FileRoutes } from './files/routes.js';
import { readJsonObject } from './http/body.js';
import { json } from './http/reply.js';
import { type AuthKind, type Handler, type JsonBody, type JsonHandler, Router } from './http/router.js';
import type { ChatCompletions } from './inference/chat.js';
import type { Completions } from './inference/completions.js';
import type { Embeddings } from './inference/embeddings.js';
import { modelsReply } from './inference/models.js';
import type { Responses } from './inference/responses.js';
import type { StatsCollector } from './stats.js';

export interface RouteServices {
  options: ResolvedMockOptions;
  auth: AuthGate;
  stats: StatsCollector;
  files: FileRoutes;
  batches: BatchRoutes;
  chat: ChatCompletions;
  responses: Responses;
  embeddings: Embeddings;
  completions: Completions;
  /** Handler of GET /__stats (answered outside the counted path). */
  statsHandler: Handler;
}

/** Builds the route table: the API under every base path, plus /health, /__stats and key creation. */
export function buildRouter(s: RouteServices): Router {
  const { options } = s;
  const router = new Router();
  const bodyLimit = options.files.maxJsonBodyBytes;
  const plan = (routeKey: string, canonicalKey: string, isApi: boolean): FaultPlan =>
    new FaultPlan(faultRatesFor(routeKey, canonicalKey, isApi, options.faults.global, options.faults.routes));

  // Inference routes take a JSON object body, read by the dispatcher (see JsonBody).
  const jsonBody = (handle: JsonHandler): JsonBody => ({ limit: bodyLimit, handle });
  const withBody = (body: JsonBody): Handler => (ctx) => readJsonObject(ctx.req, body.limit).then((value) => body.handle(value, ctx));
  const chat = jsonBody((body) => s.chat.online(body));
  const responses = jsonBody((body) => s.responses.online(body));
  const embeddings = jsonBody((body) => s.embeddings.online(body));
  const completions = jsonBody((body) => s.completions.online(body));
  const api: Array<[string, string, Handler, JsonBody?]> = [
    ['POST', '/files', (ctx) => s.files.upload(ctx)],
    ['GET', '/files', (ctx) => s.files.list(ctx)],
    ['GET', '/files/{file_id}', (ctx) => s.files.retrieve(ctx)],
    ['GET', '/files/{file_id}/content', (ctx) => s.files.content(ctx)],
    ['DELETE', '/files/{file_id}', (ctx) => s.files.remove(ctx)],
    ['POST', '/batches', (ctx) => s.batches.create(ctx)],
    ['GET', '/batches', (ctx) => s.batches.list(ctx)],
    ['GET', '/batches/{batch_id}', (ctx) => s.batches.retrieve(ctx)],
    ['POST', '/batches/{batch_id}/cancel', (ctx) => s.batches.cancel(ctx)],
    ['POST', '/chat/completions', withBody(chat), chat],
    ['POST', '/responses', withBody(responses), responses],
    ['POST', '/embeddings', withBody(embeddings), embeddings],
    ['POST', '/completions', withBody(completions), completions],
    ['GET', '/models', () => modelsReply(options.models)],
  ];
  for (const basePath of options.basePaths) {
    for (const [method, pattern, handler, body] of api) {
      const routeKey = `${method} ${basePath}${pattern}`;
      router.add(method, `${basePath}${pattern}`, {
        basePath,
        auth: 'bearer',
        faults: plan(routeKey, `${method} /v1${pattern}`, true),
        handler,
        json: body,
        counted: true,
      });
    }
  }

  const root = (method: string, path: string, auth: AuthKind, handler: Handler, counted = true): void => {
    const routeKey = `${method} ${path}`;
    router.add(method, path, { basePath: '', auth, faults: plan(routeKey, routeKey, false), handler, counted });
  };
  root('GET', '/health', 'none', () => json(200, '{"status":"ok"}'));
  root('GET', '/__stats', 'basic', s.statsHandler, false);
  for (const path of options.auth.apiKeyPaths) {
    root('POST', path, 'basic', (ctx) => createApiKey(ctx, s.auth, s.stats, bodyLimit));
  }
  return router;
}
