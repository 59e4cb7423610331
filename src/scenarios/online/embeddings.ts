/** `embeddings`: one POST /v1/embeddings per iteration (one string or a list of inputs). */
import type { RunConfig } from '../../config/types.js';
import { sloJudge } from '../../metrics/goodput.js';
import type { IterationOutcome, Scenario, ScenarioContext } from '../types.js';
import { checkEmbeddings } from './checks.js';
import { embeddingInputCount, embeddingsBody } from './payloads.js';
import { recordOverheadHeader } from './stream-metrics.js';
import { HeaderCache, JSON_HEADERS, VariantSet, type Variant } from './variants.js';

export function createEmbeddingsScenario(config: RunConfig): Scenario {
  const variants = new VariantSet(config, 'embeddings', 'POST', '/embeddings', () => embeddingsBody(config.payload), {
    streams: false,
  });
  const headers = new HeaderCache(JSON_HEADERS);
  const overheadHeader = config.target.overheadHeader.toLowerCase();
  const slo = sloJudge(config.slo);
  const expect = {
    count: Math.max(1, embeddingInputCount(config.payload)),
    dimensions: config.payload.dimensions,
  };

  async function runOnce(ctx: ScenarioContext, v: Variant): Promise<IterationOutcome> {
    let header: string | string[] | undefined;
    const out = await ctx.http.call(
      { name: v.name, method: 'POST', url: v.url, headers: headers.get(ctx), body: v.body.render(), intendedStartMs: ctx.scheduledAtMs },
      async (res) => {
        header = res.header(overheadHeader);
        return checkEmbeddings(await res.body.json(), expect);
      },
    );
    slo?.judge(ctx.recorder, { ok: out.ok, e2eMs: out.durationMs });
    if (!out.ok) return { ok: false, reason: out.error };
    if (!v.baseline) recordOverheadHeader(ctx.recorder, header);
    return { ok: true };
  }

  return {
    name: 'embeddings',
    run: (ctx) => runOnce(ctx, variants.pick(ctx.random)),
  };
}
