/** `health`: GET /health at the host root (outside the API base path); any 2xx passes. */
import type { RunConfig } from '../../config/types.js';
import { sloJudge } from '../../metrics/goodput.js';
import type { Scenario } from '../types.js';
import { healthEndpoint, scenarioHost } from './hosts.js';
import { HeaderCache } from './variants.js';

export function createHealthScenario(config: RunConfig): Scenario {
  const ep = healthEndpoint(scenarioHost(config, 'health'));
  const name = `GET ${ep.path} [health]`;
  const headers = new HeaderCache({});
  const slo = sloJudge(config.slo);
  return {
    name: 'health',
    async run(ctx) {
      const out = await ctx.http.call({ name, method: 'GET', url: ep.url, headers: headers.get(ctx), intendedStartMs: ctx.scheduledAtMs }, async (res) => {
        // drain: the client resumes an unread body, but reading keeps the socket reusable sooner
        for await (const _ of res.body) void _;
      });
      slo?.judge(ctx.recorder, { ok: out.ok, e2eMs: out.durationMs });
      return out.ok ? { ok: true } : { ok: false, reason: out.error };
    },
  };
}
