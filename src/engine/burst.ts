/**
 * Burst mode (`--burst N`, as the burst tester it replaces): one pre-flight request that must succeed, then N requests
 * at once, each printed as it completes, then min/max/mean/median/stdev/p90 and the success rate.
 * Exit codes: 0 at or above --min-success, 1 below it, 3 when the pre-flight (or getting a key)
 * fails. Separate from the closed/open-model engine: no run time, no think time.
 */
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { resolveAgainstOrigin } from '../config/target.js';
import type { DataScenarioName, RunConfig, ScenarioName } from '../config/types.js';
import { HttpClient, type CallOutcome, type HttpCaller, type HttpRequestSpec, type HttpResponseView } from '../http/client.js';
import { redactor } from '../http/redact.js';
import { MetricHistogram } from '../metrics/histogram.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import type { MetricsSnapshot } from '../metrics/types.js';
import { burstHeader, burstLine, burstSummary, type BurstLine, type BurstStats } from '../report/burst.js';
import { createChatScenario } from '../scenarios/online/chat.js';
import { createEmbeddingsScenario } from '../scenarios/online/embeddings.js';
import { createHealthScenario } from '../scenarios/online/health.js';
import { modelFor } from '../scenarios/online/payloads.js';
import { createResponsesScenario } from '../scenarios/online/responses.js';
import type { Scenario, ScenarioContext } from '../scenarios/types.js';
import { createRandom } from './random.js';
import { SharedApiKey } from './shared-key.js';

export type BurstScenarioName = Exclude<ScenarioName, DataScenarioName>;

export interface BurstOptions {
  /** requests fired at once after the pre-flight */
  n: number;
  /** share of the N that must succeed, 0..1 (default 0.9) */
  minSuccess?: number;
  /** where lines go (default stdout) */
  out?: (line: string) => void;
  /** an online scenario name (default chat) or a ready Scenario */
  scenario?: BurstScenarioName | Scenario;
  /** interrupt: in-flight requests fail as `aborted (run stopped)` */
  signal?: AbortSignal;
}

export interface BurstResult {
  exitCode: 0 | 1 | 3;
  preflight: BurstLine;
  sent: number;
  succeeded: number;
  failed: number;
  successRate: number;
  totalTimeMs: number;
  /** ms over the N burst requests */
  stats: BurstStats;
  failures: Record<string, number>;
  metrics: MetricsSnapshot;
}

export const DEFAULT_MIN_SUCCESS = 0.9;

/** `90`, `90%` or `0.9` → 0.9. */
export function parseMinSuccess(text: string): number {
  const t = text.trim();
  const v = Number.parseFloat(t.endsWith('%') ? t.slice(0, -1) : t);
  if (!Number.isFinite(v) || v < 0 || v > 100) throw new Error(`--min-success: expected a percentage, got '${text}'`);
  return t.endsWith('%') || v > 1 ? v / 100 : v;
}

const ONLINE_FACTORIES: Record<BurstScenarioName, (c: RunConfig) => Scenario> = {
  chat: createChatScenario,
  responses: createResponsesScenario,
  embeddings: createEmbeddingsScenario,
  health: createHealthScenario,
};

/** A user's client that remembers the outcome of its last request (status for the per-user line). */
class CapturingCaller implements HttpCaller {
  last?: CallOutcome<unknown>;

  constructor(private readonly http: HttpCaller) {}

  async call<T>(spec: HttpRequestSpec, read: (res: HttpResponseView) => Promise<T>): Promise<CallOutcome<T>> {
    const outcome = await this.http.call(spec, read);
    this.last = outcome;
    return outcome;
  }
}

export async function runBurst(config: RunConfig, opts: BurstOptions): Promise<BurstResult> {
  const out = opts.out ?? ((line: string) => process.stdout.write(`${redactor.redact(line)}\n`));
  const n = Math.max(1, Math.floor(opts.n));
  const minSuccess = opts.minSuccess ?? DEFAULT_MIN_SUCCESS;
  const scenario = typeof opts.scenario === 'object' ? opts.scenario : ONLINE_FACTORIES[opts.scenario ?? 'chat'](config);
  const recorder = new MetricsRecorder();
  // every burst user owns its connection: "at once" means no queueing for a socket
  const client = new HttpClient({ recorder, requestTimeoutMs: config.requestTimeoutMs, connections: 1, signal: opts.signal });
  const random = createRandom(config.seed);
  // every in-flight request listens on the interrupt signal: N at once is more than 10
  if (opts.signal) setMaxListeners(0, opts.signal);

  const runOne = async (userId: number, authHeaders: Record<string, string>): Promise<BurstLine> => {
    const http = new CapturingCaller(client.forUser(userId));
    const ctx: ScenarioContext = {
      userId,
      iteration: 1,
      config,
      http,
      recorder,
      authHeaders,
      signal: opts.signal ?? new AbortController().signal,
      random,
      think: () => Promise.resolve(),
      log: () => {},
    };
    const started = performance.now();
    let outcome;
    try {
      outcome = await scenario.run(ctx);
    } catch (err) {
      outcome = { ok: false as const, reason: `scenario error: ${(err as Error).message}` };
    }
    const durationMs = performance.now() - started;
    return outcome.ok
      ? { userId, ok: true, status: http.last?.status, durationMs }
      : { userId, ok: false, status: http.last?.status, durationMs, error: outcome.reason };
  };

  try {
    out(
      burstHeader({
        target: config.target.scenarioHosts[scenario.name] ?? config.target.host,
        request: scenario.name,
        model: modelFor(config.payload, scenario.name),
        n,
        timeoutMs: config.requestTimeoutMs,
      }).join('\n'),
    );

    out('Pre-flight check: single request...');
    let authHeaders: Record<string, string>;
    try {
      const keyUrl = resolveAgainstOrigin(config.target.host, config.auth.apiKeyEndpoint);
      const key = await new SharedApiKey(client, config.auth, keyUrl).get();
      redactor.add(key);
      authHeaders = { authorization: `Bearer ${key}` };
    } catch (err) {
      const line: BurstLine = { userId: 0, ok: false, durationMs: 0, error: (err as Error).message };
      out(`\nPre-flight FAILED: ${line.error}. Aborting (exit 3).`);
      return failedPreflight(line, recorder);
    }
    const preflight = await runOne(0, authHeaders);
    out(burstLine(preflight));
    if (!preflight.ok) {
      out(`\nPre-flight FAILED: ${preflight.error}. Aborting (exit 3).`);
      return failedPreflight(preflight, recorder);
    }
    out(`\nPre-flight OK (${(preflight.durationMs / 1000).toFixed(2)}s). Starting burst of ${n}...\n`);

    const hist = new MetricHistogram('ms');
    // Welford: mean and variance without keeping the samples
    let count = 0;
    let mean = 0;
    let m2 = 0;
    let succeeded = 0;
    const failures: Record<string, number> = {};
    const started = performance.now();
    const all: Promise<void>[] = [];
    for (let u = 1; u <= n; u++) {
      all.push(
        runOne(u, authHeaders).then((line) => {
          out(burstLine(line));
          hist.record(line.durationMs);
          count++;
          const delta = line.durationMs - mean;
          mean += delta / count;
          m2 += delta * (line.durationMs - mean);
          if (line.ok) succeeded++;
          else failures[line.error ?? 'unknown'] = (failures[line.error ?? 'unknown'] ?? 0) + 1;
        }),
      );
    }
    await Promise.all(all);
    const totalTimeMs = performance.now() - started;
    const stats: BurstStats = {
      min: hist.min,
      max: hist.max,
      mean,
      median: hist.percentile(50),
      stdev: count > 1 ? Math.sqrt(m2 / (count - 1)) : 0,
      p90: hist.percentile(90),
    };
    const successRate = succeeded / n;
    const summary = { totalTimeMs, sent: n, succeeded, failed: n - succeeded, successRate, minSuccess, stats, failures };
    out(burstSummary(summary).join('\n'));
    return {
      exitCode: successRate >= minSuccess ? 0 : 1,
      preflight,
      ...summary,
      metrics: recorder.snapshot(),
    };
  } finally {
    await client.close(true).catch(() => undefined);
  }
}

function failedPreflight(preflight: BurstLine, recorder: MetricsRecorder): BurstResult {
  const zero: BurstStats = { min: 0, max: 0, mean: 0, median: 0, stdev: 0, p90: 0 };
  return {
    exitCode: 3,
    preflight,
    sent: 0,
    succeeded: 0,
    failed: 0,
    successRate: 0,
    totalTimeMs: 0,
    stats: zero,
    failures: {},
    metrics: recorder.snapshot(),
  };
}
