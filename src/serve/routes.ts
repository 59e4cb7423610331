/**
 * The routes. Every route but /health needs the bearer token.
 *
 *   GET    /health                                  liveness, no auth
 *   POST   /run-load-tests                          {chat?, responses?, embeddings?, batch?} → {results}
 *   POST   /run-load-tests/{test}                   → {test, result}
 *   POST   /run-load-tests/{test}/{intensity}       → {test, intensity_level, configuration, result}
 *          ?async=true on any POST                  → 202 {run_id, status, status_url}
 *   GET    /runs                                    recent runs, newest first
 *   GET    /runs/{id}                               status, progress, result
 *   DELETE /runs/{id}                               stop; answers with the partial result
 *   GET    /metrics                                 Prometheus text
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenCheck } from './auth.js';
import { errorBody, HttpError } from './errors.js';
import { queryFlag, readJsonBody, sendJson, sendText, type Scrub } from './http.js';
import { INTENSITY_NAMES, isIntensityName } from './intensity.js';
import type { ServeLog } from './log.js';
import { metricsSources, PROMETHEUS_CONTENT_TYPE, renderMetrics } from './metrics.js';
import type { RunRecord } from './runs.js';
import { splitAllTestsBody, startRun, statusUrl, type StartDeps, type StartRequest } from './start-run.js';
import { isTestName, TEST_NAMES } from './tests.js';
import { progressOf, runResponseBody, runSummary } from './views.js';

export interface RouteContext extends StartDeps {
  checkToken: TokenCheck;
  scrub: Scrub;
  bodyLimitBytes: number;
  /** true once shutdown began: new runs are refused */
  closing: () => boolean;
}

type Handler = (ctx: RouteContext, req: IncomingMessage, res: ServerResponse, url: URL, params: string[]) => Promise<void> | void;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
  auth: boolean;
}

const json = (ctx: RouteContext, res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>) =>
  sendJson(res, status, body, ctx.scrub, headers);

function runView(run: RunRecord): Record<string, unknown> {
  return { ...runSummary(run, statusUrl(run.id)), progress: progressOf(run), result: runResponseBody(run) };
}

/** Runs a POST: 202 at once when async, else waits and answers like the FastAPI orchestrator. */
async function post(ctx: RouteContext, req: IncomingMessage, res: ServerResponse, url: URL, build: (body: unknown) => StartRequest) {
  if (ctx.closing()) throw new HttpError(503, 'The server is shutting down');
  const body = await readJsonBody(req, ctx.bodyLimitBytes);
  const request = build(body);
  const run = await startRun(request, ctx);
  if (request.async) {
    json(ctx, res, 202, { run_id: run.id, status: run.status, status_url: statusUrl(run.id) }, { location: statusUrl(run.id) });
    return;
  }
  await run.done;
  const reply = runResponseBody(run);
  if (run.status === 'failed') json(ctx, res, run.errorStatus ?? 500, { detail: run.error, ...reply });
  else json(ctx, res, 200, reply);
}

function requireTest(name: string) {
  if (!isTestName(name)) throw new HttpError(404, `Unknown test '${name}' (expected one of ${TEST_NAMES.join(', ')})`);
  return name;
}

function requireRun(ctx: RouteContext, id: string): RunRecord {
  const run = ctx.registry.get(id);
  if (!run) throw new HttpError(404, `Unknown run '${id}' (finished runs are kept for the last ${ctx.registry.historyCap})`);
  return run;
}

const ROUTES: Route[] = [
  {
    pattern: /^\/health$/,
    auth: false,
    methods: { GET: (ctx, _req, res) => json(ctx, res, 200, { status: 'ok', active_runs: ctx.registry.active().length }) },
  },
  {
    pattern: /^\/run-load-tests$/,
    auth: true,
    methods: {
      POST: (ctx, req, res, url) =>
        post(ctx, req, res, url, (body) => ({ kind: 'all', bodies: splitAllTestsBody(body), async: queryFlag(url, 'async') })),
    },
  },
  {
    pattern: /^\/run-load-tests\/([^/]+)$/,
    auth: true,
    methods: {
      POST: (ctx, req, res, url, [name]) => {
        const test = requireTest(name!);
        return post(ctx, req, res, url, (body) => ({ kind: 'test', bodies: [{ test, body, loc: ['body'] }], async: queryFlag(url, 'async') }));
      },
    },
  },
  {
    pattern: /^\/run-load-tests\/([^/]+)\/([^/]+)$/,
    auth: true,
    methods: {
      POST: (ctx, req, res, url, [name, level]) => {
        const test = requireTest(name!);
        if (!isIntensityName(level!)) {
          throw new HttpError(400, `Unknown intensity level '${level}' (expected one of ${INTENSITY_NAMES.join(', ')})`);
        }
        return post(ctx, req, res, url, (body) => ({
          kind: 'intensity',
          bodies: [{ test, body, loc: ['body'] }],
          intensity: level,
          async: queryFlag(url, 'async'),
        }));
      },
    },
  },
  {
    pattern: /^\/runs$/,
    auth: true,
    methods: {
      GET: (ctx, _req, res) =>
        json(ctx, res, 200, {
          runs: ctx.registry.list().map((r) => ({ ...runSummary(r, statusUrl(r.id)), progress: progressOf(r) })),
          max_concurrent_runs: ctx.registry.maxConcurrentRuns,
          history: ctx.registry.historyCap,
        }),
    },
  },
  {
    pattern: /^\/runs\/([^/]+)$/,
    auth: true,
    methods: {
      GET: (ctx, _req, res, _url, [id]) => json(ctx, res, 200, runView(requireRun(ctx, id!))),
      DELETE: async (ctx, _req, res, _url, [id]) => {
        const run = requireRun(ctx, id!);
        if (run.status === 'queued' || run.status === 'running') {
          ctx.log(`run ${run.id}: stop requested`);
          run.controller.abort();
          await run.done;
        }
        json(ctx, res, 200, runView(run));
      },
    },
  },
  {
    pattern: /^\/metrics$/,
    auth: true,
    methods: {
      GET: (ctx, _req, res) =>
        sendText(res, 200, renderMetrics(metricsSources(ctx.registry), ctx.registry.active().length), PROMETHEUS_CONTENT_TYPE, ctx.scrub),
    },
  },
];

function match(pathname: string): { route: Route; params: string[] } | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (m) return { route, params: m.slice(1).map((p) => safeDecode(p)) };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function handleRequest(ctx: RouteContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://serve.invalid');
  try {
    const found = match(url.pathname);
    // authenticate before revealing anything, even whether a route exists
    if (found?.route.auth !== false && !ctx.checkToken(req.headers.authorization)) {
      const given = req.headers.authorization !== undefined;
      throw new HttpError(401, given ? 'Invalid bearer token' : 'Not authenticated', { 'www-authenticate': 'Bearer' });
    }
    if (!found) throw new HttpError(404, 'Not Found');
    const handler = found.route.methods[req.method ?? 'GET'];
    if (!handler) throw new HttpError(405, 'Method Not Allowed', { allow: Object.keys(found.route.methods).join(', ') });
    await handler(ctx, req, res, url, found.params);
  } catch (err) {
    if (err instanceof HttpError) {
      json(ctx, res, err.status, errorBody(err), err.headers);
      return;
    }
    ctx.log(`${req.method} ${url.pathname}: internal error: ${(err as Error).stack ?? String(err)}`);
    json(ctx, res, 500, { detail: 'Internal Server Error' });
  }
}
