/**
 * Shared plumbing of the online scenarios: the request variants of a scenario (streaming or
 * not, proxied or baseline), picking one per iteration, and the per-request headers.
 */
import type { RunConfig } from '../../config/types.js';
import { STREAM_TAG_WORD } from '../../metrics/names.js';
import type { ScenarioContext } from '../types.js';
import { apiEndpoint, baselineHost, baselineShare, scenarioHost, type OnlineScenario } from './hosts.js';
import type { BodyTemplate } from './payloads.js';
import { LlmMetricNames } from './stream-metrics.js';

export interface Variant {
  /** request name, e.g. `POST /v1/chat/completions [chat stream baseline]` */
  name: string;
  url: string;
  stream: boolean;
  baseline: boolean;
  body: BodyTemplate;
  metrics: LlmMetricNames;
}

/** `chat`, `chat stream`, `chat baseline`, `chat stream baseline` */
export function bracketLabel(scenario: OnlineScenario, stream: boolean, baseline: boolean): string {
  return `${scenario}${stream ? ` ${STREAM_TAG_WORD}` : ''}${baseline ? ' baseline' : ''}`;
}

/** Up to four variants: [proxied, proxied stream, baseline, baseline stream]. */
export class VariantSet {
  private readonly variants: (Variant | undefined)[] = [];
  readonly streamRatio: number;
  readonly baselineShare: number;

  constructor(
    config: RunConfig,
    scenario: OnlineScenario,
    method: 'GET' | 'POST',
    apiPath: string,
    body: (stream: boolean) => BodyTemplate,
    opts: { streams: boolean },
  ) {
    this.streamRatio = opts.streams ? clamp01(config.payload.streamRatio) : 0;
    this.baselineShare = baselineShare(config);
    const hosts: [string, boolean][] = [[scenarioHost(config, scenario), false]];
    const direct = baselineHost(config);
    if (direct && this.baselineShare > 0) hosts.push([direct, true]);
    for (const [host, baseline] of hosts) {
      for (const stream of [false, true]) {
        if (stream ? this.streamRatio === 0 : this.streamRatio === 1) continue;
        const ep = apiEndpoint(config, host, apiPath);
        const label = bracketLabel(scenario, stream, baseline);
        this.variants[(baseline ? 2 : 0) + (stream ? 1 : 0)] = {
          name: `${method} ${ep.path} [${label}]`,
          url: ep.url,
          stream,
          baseline,
          body: body(stream),
          // baseline samples stay out of the run-wide ttft/itl/... trends
          metrics: new LlmMetricNames(bracketLabel(scenario, false, baseline), !baseline),
        };
      }
    }
  }

  /** All variants this run can send (for reports and tests). */
  all(): Variant[] {
    return this.variants.filter((v): v is Variant => v !== undefined);
  }

  pick(random: () => number): Variant {
    const stream = this.streamRatio >= 1 || (this.streamRatio > 0 && random() < this.streamRatio);
    const baseline = this.baselineShare >= 1 || (this.baselineShare > 0 && random() < this.baselineShare);
    return this.variants[(baseline ? 2 : 0) + (stream ? 1 : 0)]!;
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

/** Auth + JSON headers, merged once per distinct auth object (it rarely changes). */
export class HeaderCache {
  private lastAuth: Record<string, string> | undefined;
  private merged: Record<string, string> = {};

  constructor(private readonly extra: Record<string, string>) {}

  get(ctx: ScenarioContext): Record<string, string> {
    if (ctx.authHeaders !== this.lastAuth) {
      this.lastAuth = ctx.authHeaders;
      this.merged = { ...ctx.authHeaders, ...this.extra };
    }
    return this.merged;
  }
}

export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
export const SSE_HEADERS = { 'content-type': 'application/json', accept: 'text/event-stream' };
