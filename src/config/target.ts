import { ConfigError } from './errors.js';
import type { TargetConfig } from './types.js';

/** A base URL without trailing slash, e.g. http://127.0.0.1:8080/ai/v1 */
export type BaseUrl = string;

/** Validates a --host style URL; returns it without a trailing slash. */
export function parseHost(input: string, flag = '--host'): { origin: string; path: string } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ConfigError(`${flag}: '${input}' is not a URL (expected e.g. http://localhost:3001)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`${flag}: '${input}' must start with http:// or https://`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${flag}: credentials in the URL are not supported; use --api-key or BASIC_AUTH_* instead`);
  }
  if (url.search || url.hash) throw new ConfigError(`${flag}: '${input}' must not carry a query or fragment`);
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

/** Normalises a base path: leading slash, no trailing slash, '' for root. */
export function normaliseBasePath(input: string): string {
  const trimmed = input.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (/[?#\s]/.test(trimmed)) throw new ConfigError(`--base-path: '${input}' is not a path`);
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The API base URL on a host (the main one, a per-scenario one or the baseline). A host that
 * already carries a path (http://x/ai/v1) is used as given and the default base path is not
 * added again; an explicit --base-path is appended to it unless the host already ends with it.
 */
export function apiBaseFor(target: Pick<TargetConfig, 'basePath' | 'basePathExplicit'>, host: string): BaseUrl {
  const { origin, path } = parseHost(host);
  if (path && (!target.basePathExplicit || path.endsWith(target.basePath))) return `${origin}${path}`;
  return `${origin}${path}${target.basePath}`;
}

/** Resolves a path (or absolute URL) such as the admin key endpoint against the host's origin. */
export function resolveAgainstOrigin(host: string, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return parseHost(pathOrUrl, '--api-key-endpoint').origin + new URL(pathOrUrl).pathname;
  const { origin } = parseHost(host);
  return `${origin}${pathOrUrl.startsWith('/') ? '' : '/'}${pathOrUrl}`;
}
