import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { buildJsonReport, mergeReports, parseJsonReport, readJsonReport, scrubSecrets, writeJsonReport } from '../../src/report/json.js';
import { evaluateThresholds } from '../../src/thresholds/evaluate.js';
import { parseThresholds } from '../../src/thresholds/parse.js';
import { clockedRecorder, sampleSnapshot } from './fixture.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'batch-load-json-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const config = {
  runId: 'run-1',
  target: { host: 'http://u:sk-secret-123@example.test' },
  auth: { apiKey: 'sk-secret-123', basicAuthUsername: 'admin', basicAuthPassword: 'hunter22', apiKeyEndpoint: '/admin' },
  users: 10,
  notes: ['uses sk-secret-123 twice: sk-secret-123'],
};

describe('scrubSecrets', () => {
  it('removes listed secrets anywhere and masks secret-looking keys', () => {
    const out = scrubSecrets(config, ['sk-secret-123', '']);
    expect(out.auth.apiKey).toBe('***');
    expect(out.auth.basicAuthPassword).toBe('***');
    expect(out.auth.basicAuthUsername).toBe('admin');
    expect(out.auth.apiKeyEndpoint).toBe('/admin'); // where the key comes from, not the key
    expect(out.target.host).toBe('http://u:***@example.test');
    expect(out.notes[0]).toBe('uses *** twice: ***');
    expect(JSON.stringify(out)).not.toContain('sk-secret');
    expect(config.auth.apiKey).toBe('sk-secret-123'); // input untouched
  });
});

describe('JSON report', () => {
  it('builds, writes atomically into new directories and reads back', async () => {
    const metrics = sampleSnapshot();
    const thresholds = evaluateThresholds(parseThresholds(['errors: rate<0.5']), metrics);
    const doc = buildJsonReport({ version: '0.1.0', runId: 'run-1', config, secrets: ['sk-secret-123', 'hunter22'], metrics, thresholds, exitCode: 0 });
    expect(doc).toMatchObject({ tool: 'batch-load', passed: true, interrupted: false, startedAt: metrics.startedAt, endedAt: metrics.endedAt });
    expect('derived' in doc).toBe(false);
    expect(buildJsonReport({ version: '0', runId: 'r', config: {}, metrics, thresholds, exitCode: 0, derived: { overhead: { 'p(99)': 3 } } }).derived).toEqual({ overhead: { 'p(99)': 3 } });
    const dir = await tempDir();
    const path = join(dir, 'a', 'b', 'report.json');
    await writeJsonReport(path, doc);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['report.json']); // no tmp file left
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('sk-secret-123');
    expect(text).not.toContain('hunter22');
    const back = await readJsonReport(path);
    expect(back).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(back.metrics.aggregated.histogram.length).toBeGreaterThan(0);
  });

  it('rejects documents that are not reports', () => {
    expect(() => parseJsonReport('nope', 'x.json')).toThrow(/^x\.json: not JSON/);
    expect(() => parseJsonReport('{"tool":"k6"}', 'x.json')).toThrow('x.json: not a batch-load report');
    expect(() => parseJsonReport('{"tool":"batch-load","metrics":{}}', 'x.json')).toThrow('metrics missing');
  });

  it('merges shards exactly and re-evaluates thresholds', () => {
    const shards = [clockedRecorder(), clockedRecorder()];
    const all = new MetricsRecorder({ now: shards[0].now });
    for (let i = 0; i < 6000; i++) {
      const ms = ((i * 7919) % 5000) + 0.123;
      const err = i % 100 === 0 ? 'HTTP 503' : undefined;
      shards[i % 2].recorder.request('POST /v1/chat/completions', ms, err);
      all.request('POST /v1/chat/completions', ms, err);
    }
    shards[0].recorder.count('integrity_missing', 1);
    all.count('integrity_missing', 1);
    shards.forEach((s) => s.advance(60_000));
    const specs = parseThresholds(['http_req_duration: p(95)<5000', 'integrity: count==0', 'overhead: p(99)<10']);
    const docs = shards.map((s, i) => {
      const metrics = s.recorder.snapshot();
      const thresholds = evaluateThresholds(specs.slice(0, i + 2), metrics);
      return buildJsonReport({ version: '0.1.0', runId: `shard-${i}`, config: { shard: i }, metrics, thresholds, exitCode: thresholds.every((t) => t.passed) ? 0 : 1 });
    });
    const roundTripped = docs.map((d) => parseJsonReport(JSON.stringify(d)));
    const merged = mergeReports(roundTripped, { derived: { overhead: { 'p(99)': 4 } } });
    const direct = all.snapshot();
    const strip = <T extends { histogram: string; mean: number }>(d: T) => ({ ...d, histogram: '', mean: 0 });
    expect(strip(merged.metrics.aggregated)).toEqual(strip(direct.aggregated));
    expect(merged.metrics.aggregated.mean).toBeCloseTo(direct.aggregated.mean, 9);
    expect(merged.metrics.counters).toEqual({ integrity_missing: 1 });
    expect(merged.thresholds.map((t) => [t.source, t.passed])).toEqual([
      ['http_req_duration: p(95)<5000', true],
      ['integrity: count==0', false],
      ['overhead: p(99)<10', true],
    ]);
    // without derived values, a derived-metric threshold cannot be re-evaluated
    expect(mergeReports(roundTripped).thresholds[2]).toMatchObject({ passed: false, note: 'no samples' });
    expect(merged).toMatchObject({ runId: 'merged-shard-0', passed: false, exitCode: 1, interrupted: false });
    expect(merged.config).toEqual({ mergedFrom: [{ runId: 'shard-0', config: { shard: 0 } }, { runId: 'shard-1', config: { shard: 1 } }] });
    expect(() => mergeReports([])).toThrow();
  });
});
