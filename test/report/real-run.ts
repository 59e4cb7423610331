/**
 * A short real mixed run against our mock (chat, responses with streams, embeddings, batch; 3 %
 * server errors), fed to the time series and the stats-history CSV exactly as the CLI feeds the
 * CSV: once per progress interval from the engine's onProgress. The JSON report is built with
 * buildJsonReport; batch timelines come from the mock's own batch objects (server timestamps).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRunConfig } from '../../src/config/load.js';
import { runLoadTest, type RunResult } from '../../src/engine/runner.js';
import { startMockServer } from '../../src/mock/index.js';
import { StatsHistoryCsv } from '../../src/report/csv.js';
import { buildJsonReport, type JsonReport } from '../../src/report/json.js';
import { TimeSeries } from '../../src/report/timeseries.js';

export interface RealRun {
  doc: JsonReport;
  result: RunResult;
  series: TimeSeries;
  historyPath: string;
  dir: string;
}

export async function realMixedRun(opts: { runTime?: string; progressInterval?: string } = {}): Promise<RealRun> {
  const mock = await startMockServer({
    port: 0,
    host: '127.0.0.1',
    seed: 11,
    auth: { noAuth: true },
    latency: { ttftMs: 20, perTokenMs: 2, jitterMs: 10 },
    batch: { validatingMs: 600, finalizingMs: 400 },
    faults: { global: { error500: 0.03 } },
  });
  try {
    const dir = await mkdtemp(join(tmpdir(), 'batch-load-report-'));
    const config = await loadRunConfig({
      host: mock.url,
      scenario: 'chat:3,responses:1,embeddings:1,batch:1',
      streamRatio: 0.5,
      users: 6,
      spawnRate: 6,
      runTime: opts.runTime ?? '4s',
      progressInterval: opts.progressInterval ?? '250ms',
      waitMin: 0,
      waitMax: '50ms',
      pollInterval: '100ms',
      pollMaxInterval: '300ms',
      apiKey: 'sk-report-secret-1234',
      threshold: ['errors: rate<0.001', 'ttft: p(95)<5000'],
      seed: 5,
    });
    const series = new TimeSeries();
    const history = new StatsHistoryCsv(join(dir, 'run'));
    const result = await runLoadTest(config, {
      onProgress: (p) => {
        history.append({ timestampMs: p.interval.endedAtMs, users: p.users, interval: p.interval, totals: p.totals });
        series.add({ interval: p.interval, users: p.users, targetUsers: config.users });
      },
    });
    const doc = buildJsonReport({
      version: '0.1.0',
      runId: result.runId,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      config: { ...config, batch: config.batch ? { ...config.batch, customIds: undefined } : undefined },
      secrets: [config.auth.apiKey ?? ''],
      metrics: result.metrics,
      thresholds: result.thresholds,
      passed: result.passed,
      exitCode: result.exitCode,
      interrupted: result.interrupted,
      derived: result.derived,
      timeseries: series.toJSON(),
      // the engine's own log of the batches' lifecycles (from the server's timestamps)
      batches: result.batches ?? [],
    });
    return { doc, result, series, historyPath: history.path, dir };
  } finally {
    await mock.close();
  }
}
