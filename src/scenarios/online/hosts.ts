/**
 * Which base URL each online scenario talks to. The config resolver has already applied the
 * precedence between flags and env (`--chat-host`/LOCUST_CHAT_HOST vs --host/LOCUST_HOST);
 * here a scenario host, when set, wins over the global host, and the baseline host replaces
 * either for the direct (baseline) share of requests.
 */
import { apiBaseFor } from '../../config/target.js';
import type { DataScenarioName, RunConfig, ScenarioName } from '../../config/types.js';

export type OnlineScenario = Exclude<ScenarioName, DataScenarioName>;

/** One endpoint as a scenario uses it: URL to call and the path shown in request names. */
export interface Endpoint {
  url: string;
  /** path part of the request name, e.g. /ai/v1/chat/completions */
  path: string;
}

function trimSlash(s: string): string {
  return s.endsWith('/') ? s.replace(/\/+$/, '') : s;
}

/** The host (origin + optional prefix) a scenario's proxied requests go to. */
export function scenarioHost(config: RunConfig, scenario: OnlineScenario): string {
  return trimSlash(config.target.scenarioHosts[scenario] ?? config.target.host);
}

/** The API endpoint (under the base path) of a scenario on a host; the name shows the full path. */
export function apiEndpoint(config: RunConfig, host: string, apiPath: string): Endpoint {
  // a host may carry the API prefix itself (http://x/ai/v1): apiBaseFor does not add it again
  const url = `${apiBaseFor(config.target, trimSlash(host))}${apiPath}`;
  return { url, path: new URL(url).pathname };
}

/** `/health` sits at the host's root (origin), outside any API prefix. */
export function healthEndpoint(host: string): Endpoint {
  return { url: new URL('/health', host).href, path: '/health' };
}

/** The direct upstream for the baseline share, when proxy overhead is measured. */
export function baselineHost(config: RunConfig): string | undefined {
  const h = config.target.baselineHost;
  return h ? trimSlash(h) : undefined;
}

/** Share of requests sent to the baseline, 0 when no baseline host is configured. */
export function baselineShare(config: RunConfig): number {
  if (!baselineHost(config)) return 0;
  const r = config.target.baselineRatio;
  return Number.isFinite(r) ? Math.min(1, Math.max(0, r)) : 0;
}
