import type { FaultPlan } from '../faults/faults.js';
import type { RequestContext } from './context.js';
import type { Reply } from './reply.js';

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

/** Handler of a route that takes a JSON object body: the dispatcher reads and parses it first. */
export type JsonHandler = (body: Record<string, unknown>, ctx: RequestContext) => Reply | Promise<Reply>;

export interface JsonBody {
  /** Largest accepted body, in bytes (413 beyond). */
  readonly limit: number;
  readonly handle: JsonHandler;
}

/** bearer: an API key; basic: the admin credentials; none: open. */
export type AuthKind = 'bearer' | 'basic' | 'none';

export interface Route {
  readonly routeKey: string;
  readonly basePath: string;
  readonly auth: AuthKind;
  readonly faults: FaultPlan;
  /** For `json` routes, a promise-based equivalent of reading the body and calling `json.handle`. */
  readonly handler: Handler;
  /** Set on routes that take a JSON object body (inference): the hot path reads it with callbacks. */
  readonly json?: JsonBody;
  /** False only for /__stats, which must not disturb the counts it reports. */
  readonly counted: boolean;
}

export interface RouteMatch {
  readonly route: Route;
  readonly param: string;
}

interface ParamPrefix {
  /** e.g. "/ai/v1/files/" */
  prefix: string;
  /** e.g. "/ai/v1/files/{file_id}" */
  template: string;
}

/**
 * Precomputed route table: method, then path lookups for static paths (no string built per request,
 * and the match object is prebuilt); for `{id}` paths, a prefix check per base path and a second
 * lookup. No regular expressions on the request path.
 */
export class Router {
  /** method → path → prebuilt match (param ""). */
  private readonly exact = new Map<string, Map<string, RouteMatch>>();
  private readonly templated = new Map<string, Route>();
  private readonly prefixes: ParamPrefix[] = [];

  /** `pattern` is the full path, with `{file_id}` / `{batch_id}` as the only placeholders. */
  add(method: string, pattern: string, route: Omit<Route, 'routeKey'>): void {
    const routeKey = `${method} ${pattern}`;
    // One object shape for every route (json: undefined included), so the dispatcher's property reads stay monomorphic.
    const { basePath, auth, faults, handler, json, counted } = route;
    const full: Route = { routeKey, basePath, auth, faults, handler, json, counted };
    const brace = pattern.indexOf('/{');
    if (brace === -1) {
      let byPath = this.exact.get(method);
      if (byPath === undefined) this.exact.set(method, (byPath = new Map()));
      byPath.set(pattern, Object.freeze({ route: full, param: '' }));
      return;
    }
    const close = pattern.indexOf('}', brace);
    const prefix = pattern.slice(0, brace + 1);
    const template = pattern.slice(0, close + 1);
    if (!this.prefixes.some((p) => p.prefix === prefix)) {
      this.prefixes.push({ prefix, template });
      // Longest prefix first, so "/ai/v1/files/" is tried before a shorter one that could also match.
      this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    }
    this.templated.set(routeKey, full);
  }

  match(method: string, pathname: string): RouteMatch | null {
    const exact = this.exact.get(method)?.get(pathname);
    if (exact !== undefined) return exact;
    for (const { prefix, template } of this.prefixes) {
      if (!pathname.startsWith(prefix)) continue;
      const rest = pathname.slice(prefix.length);
      const slash = rest.indexOf('/');
      const param = slash === -1 ? rest : rest.slice(0, slash);
      if (param.length === 0) return null;
      const route = this.templated.get(`${method} ${template}${slash === -1 ? '' : rest.slice(slash)}`);
      if (route !== undefined) return { route, param: safeDecode(param) };
    }
    return null;
  }

  /** Every route key served, for docs and for fault lookups by batch lines. */
  routes(): Route[] {
    const routes: Route[] = [];
    for (const byPath of this.exact.values()) for (const match of byPath.values()) routes.push(match.route);
    return [...routes, ...this.templated.values()];
  }
}

function safeDecode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
