/**
 * The shared shape of the text-generation scenarios (chat, responses): one POST per iteration,
 * streaming or not by the stream ratio, to the proxied host or (for the baseline share) the
 * direct one; a stream is timed (TTFT, inter-token latency, tokens/s), a JSON reply checked;
 * the proxy's overhead header is recorded for proxied requests.
 */
import type { RunConfig } from '../../config/types.js';
import { sloJudge } from '../../metrics/goodput.js';
import type { HttpResponseView } from '../../http/client.js';
import type { IterationOutcome, Scenario, ScenarioContext } from '../types.js';
import type { OnlineScenario } from './hosts.js';
import type { BodyTemplate } from './payloads.js';
import { recordOutputTokens, recordOverheadHeader, recordStream, type StreamTimer, tpotMs } from './stream-metrics.js';
import { HeaderCache, JSON_HEADERS, SSE_HEADERS, VariantSet, type Variant } from './variants.js';

export interface StreamResult {
  timer: StreamTimer;
  /** the server's output token count, when it sent usage */
  usageTokens?: number;
}

export interface GenerationEndpoint {
  name: Extract<OnlineScenario, 'chat' | 'responses'>;
  /** path under the API base, e.g. /chat/completions */
  apiPath: string;
  body: (stream: boolean) => BodyTemplate;
  /** reads and checks a stream (throws CheckFailure with the reason) */
  readStream: (res: HttpResponseView) => Promise<StreamResult>;
  /** checks a JSON reply; returns the usage output tokens when present */
  checkJson: (body: unknown) => number | undefined;
}

export function createGenerationScenario(config: RunConfig, endpoint: GenerationEndpoint): Scenario {
  const variants = new VariantSet(config, endpoint.name, 'POST', endpoint.apiPath, endpoint.body, { streams: true });
  const jsonHeaders = new HeaderCache(JSON_HEADERS);
  const sseHeaders = new HeaderCache(SSE_HEADERS);
  const overheadHeader = config.target.overheadHeader.toLowerCase();
  const slo = sloJudge(config.slo);

  async function runOnce(ctx: ScenarioContext, v: Variant): Promise<IterationOutcome> {
    let header: string | string[] | undefined;
    const out = await ctx.http.call(
      {
        name: v.name,
        method: 'POST',
        url: v.url,
        headers: (v.stream ? sseHeaders : jsonHeaders).get(ctx),
        body: v.body.render(),
        // open model: latency (and TTFT) count from the intended start
        intendedStartMs: ctx.scheduledAtMs,
      },
      async (res): Promise<StreamResult | number | undefined> => {
        header = res.header(overheadHeader);
        if (v.stream) return endpoint.readStream(res);
        return endpoint.checkJson(await res.body.json());
      },
    );
    const rec = ctx.recorder;
    if (!out.ok) {
      slo?.judge(rec, { ok: false, e2eMs: out.durationMs });
      return { ok: false, reason: out.error };
    }
    const value = out.value;
    if (typeof value === 'object') {
      recordStream(rec, v.metrics, value.timer, value.usageTokens);
      if (slo) {
        const t = value.timer;
        slo.judge(rec, { ok: true, ttftMs: t.ttftMs, tpotMs: tpotMs(t.e2eMs, t.ttftMs, value.usageTokens ?? t.deltas), e2eMs: t.e2eMs });
      }
    } else {
      if (value !== undefined) recordOutputTokens(rec, v.metrics, value, 'usage', out.durationMs);
      slo?.judge(rec, { ok: true, e2eMs: out.durationMs });
    }
    if (!v.baseline) recordOverheadHeader(rec, header);
    return { ok: true };
  }

  return {
    name: endpoint.name,
    run: (ctx) => runOnce(ctx, variants.pick(ctx.random)),
  };
}
