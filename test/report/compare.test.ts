import { describe, expect, it } from 'vitest';
import { compareReports, parseMaxRegression, type CompareRow } from '../../src/report/compare.js';
import { renderCompareMarkdown } from '../../src/report/compare-markdown.js';
import { buildJsonReport, parseJsonReport, type JsonReport } from '../../src/report/json.js';
import { clockedRecorder, sampleSnapshot } from './fixture.js';

const CHAT = 'POST /v1/chat/completions [chat]';

/** 2,000 chat requests (latency 50..250 ms × factor), 1 % failures, ttft samples, over 100 s. */
function crafted(runId: string, factor: number, opts: { failures?: number; n?: number } = {}): JsonReport {
  const { recorder, advance } = clockedRecorder();
  const n = opts.n ?? 2000;
  const failEvery = opts.failures ?? 100;
  for (let i = 0; i < n; i++) recorder.request(CHAT, (50 + (i * 7919) % 200) * factor, i % failEvery === 0 ? 'HTTP 500' : undefined);
  for (let i = 0; i < n; i++) recorder.trend('ttft', 20 + (i % 50));
  recorder.count('output_tokens_total', 40_000);
  advance(100_000);
  return buildJsonReport({ version: '0.1.0', runId, config: {}, metrics: recorder.snapshot(), thresholds: [], exitCode: 0 });
}

const row = (rows: CompareRow[], subject: string, metric: string) => {
  const r = rows.find((x) => x.subject === subject && x.metric === metric);
  expect(r, `${subject} ${metric}`).toBeDefined();
  return r!;
};

describe('compareReports', () => {
  it('a 20 % p95 regression: exit 1 at a 10 % bound, exit 0 at 30 %', () => {
    const base = crafted('base', 1);
    const next = crafted('next', 1.2);
    const at10 = compareReports(base, next, { maxRegression: 0.1 });
    expect(at10.exitCode).toBe(1);
    const p95 = row(at10.rows, CHAT, 'p95');
    expect(p95).toMatchObject({ status: 'regression', better: 'lower', unit: 'ms' });
    expect(p95.deltaPct!).toBeGreaterThan(19);
    expect(p95.deltaPct!).toBeLessThan(21);
    expect(p95.delta).toBeCloseTo(p95.next! - p95.base!, 9);
    expect(at10.regressions).toContain(p95);
    expect(row(at10.rows, 'Aggregated', 'p95').status).toBe('regression');
    // what did not change is not marked
    expect(row(at10.rows, 'ttft', 'p95').status).toBe('unchanged');
    expect(row(at10.rows, CHAT, 'throughput').status).toBe('unchanged');
    expect(row(at10.rows, CHAT, 'error rate').status).toBe('unchanged');
    expect(row(at10.rows, 'run', 'output tokens/s')).toMatchObject({ base: 400, next: 400, status: 'unchanged' });

    const at30 = compareReports(base, next, { maxRegression: 0.3 });
    expect(at30.exitCode).toBe(0);
    expect(at30.regressions).toEqual([]);
    expect(row(at30.rows, CHAT, 'p95').status).toBe('worse');
    // the other way round it is an improvement
    expect(row(compareReports(next, base).rows, CHAT, 'p95').status).toBe('improvement');
  });

  it('two identical runs: exit 0 and nothing marked', () => {
    const doc = buildJsonReport({ version: '0.1.0', runId: 'a', config: {}, metrics: sampleSnapshot(), thresholds: [], exitCode: 0 });
    const again = parseJsonReport(JSON.stringify(doc));
    const result = compareReports(doc, again);
    expect(result.exitCode).toBe(0);
    expect(result.rows.length).toBeGreaterThan(20);
    expect(result.rows.filter((r) => r.status !== 'unchanged')).toEqual([]);
    const md = renderCompareMarkdown(result);
    expect(md).toContain('✓ no regression beyond 10%');
    expect(md).toContain('No metric changed beyond the noise guard.');
    expect(md).not.toMatch(/✗|✓ better|~ noise/);
  });

  it('noise guard: too few samples beyond a percentile, counts within their standard errors', () => {
    const small = compareReports(crafted('a', 1, { n: 150 }), crafted('b', 1.5, { n: 150 }));
    expect(row(small.rows, CHAT, 'p50').status).toBe('regression'); // 150 ≥ 20
    expect(row(small.rows, CHAT, 'p95')).toMatchObject({ status: 'noise', note: 'p95 needs ≥ 200 samples in both runs (base 150, new 150)' });
    expect(row(small.rows, CHAT, 'p99').status).toBe('noise');
    // 1 % vs 2 % failures of 150 requests: |z| < 3
    const errors = compareReports(crafted('a', 1, { n: 150, failures: 100 }), crafted('b', 1, { n: 150, failures: 50 }));
    expect(row(errors.rows, CHAT, 'error rate')).toMatchObject({ status: 'noise' });
    // 0.05 % vs 10 % of 2,000: a regression however small the base
    const worse = compareReports(crafted('a', 1, { failures: 2000 }), crafted('b', 1, { failures: 10 }));
    expect(row(worse.rows, CHAT, 'error rate')).toMatchObject({ status: 'regression', base: 0.05, next: 10 });
    // throughput: 2,000 vs 1,950 requests over 100 s is within 3 standard errors
    const rate = compareReports(crafted('a', 1), crafted('b', 1, { n: 1950 }));
    expect(row(rate.rows, CHAT, 'throughput').status).toBe('noise');
  });

  it('fields an older report lacks are shown as missing and never judged', () => {
    const base = crafted('base', 1);
    const next = crafted('next', 1);
    delete (next.metrics.trends as Record<string, unknown>).ttft;
    delete (next.metrics.counters as Record<string, unknown>).output_tokens_total;
    base.sweep = { steps: [{ requestedRate: 10, achievedRate: 10, p50Ms: 5, p95Ms: 9, goodput: 9.5 }], maxSustainableRate: 40 };
    const result = compareReports(base, next);
    expect(row(result.rows, 'ttft', 'p95')).toMatchObject({ status: 'missing', next: null, delta: null });
    expect(row(result.rows, 'run', 'output tokens/s').status).toBe('missing');
    expect(row(result.rows, 'sweep', 'max sustainable rate').status).toBe('missing');
    expect(result.exitCode).toBe(0);
  });

  it('sweep: max sustainable rate and goodput per requested rate', () => {
    const base = crafted('base', 1);
    const next = crafted('next', 1);
    base.sweep = { steps: [10, 20, 40].map((r) => ({ requestedRate: r, achievedRate: r, p50Ms: 5, p95Ms: 9, goodput: r })), maxSustainableRate: 40 };
    next.sweep = { steps: [10, 20, 40].map((r) => ({ requestedRate: r, achievedRate: r, p50Ms: 5, p95Ms: 9, goodput: r === 40 ? 30 : r })), maxSustainableRate: 20 };
    const result = compareReports(base, next);
    expect(row(result.rows, 'sweep', 'max sustainable rate')).toMatchObject({ status: 'regression', deltaPct: -50 });
    expect(row(result.rows, 'sweep', 'goodput @ 40/s')).toMatchObject({ status: 'regression', delta: -10 });
    expect(row(result.rows, 'sweep', 'goodput @ 10/s').status).toBe('unchanged');
  });

  it('parses --max-regression', () => {
    expect(parseMaxRegression('10%')).toBe(0.1);
    expect(parseMaxRegression('0.25')).toBe(0.25);
    expect(parseMaxRegression('30')).toBe(0.3);
    expect(() => parseMaxRegression('ten')).toThrow("--max-regression: expected a percentage such as 10% or 0.1, got 'ten'");
    expect(() => parseMaxRegression('-5%')).toThrow();
  });
});

describe('renderCompareMarkdown', () => {
  /** Cells of a markdown table row, split on pipes that are not escaped. */
  const cellsOf = (line: string) => line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim());

  it('renders tables with a header, a separator row and the same column count on every row', () => {
    const base = crafted('base', 1);
    const next = crafted('next', 1.2);
    // a name that would break a table or inject markup
    const evil = 'POST /v1/x [a|b <img src=x onerror=alert(1)> `code` *bold*]';
    for (const doc of [base, next]) doc.metrics.requests[evil] = { ...doc.metrics.requests[CHAT], name: evil };
    const md = renderCompareMarkdown(compareReports(base, next, { maxRegression: 0.1 }));
    const lines = md.split('\n');
    expect(lines[0]).toMatch(/^### batch-load compare: ✗ \d+ regressions beyond 10%$/);
    const tables: string[][] = [];
    let current: string[] | undefined;
    for (const l of lines) {
      if (l.startsWith('|')) (current ??= (tables.push([]), tables[tables.length - 1])).push(l);
      else current = undefined;
    }
    expect(tables).toHaveLength(2); // the changed metrics, then all of them in <details>
    for (const t of tables) {
      expect(cellsOf(t[0])).toEqual(['', 'Metric', 'Base', 'New', 'Δ', 'Δ %', 'Note']);
      expect(cellsOf(t[1]).every((c) => /^:?-+:?$/.test(c))).toBe(true);
      for (const l of t) expect(cellsOf(l), l).toHaveLength(7);
    }
    expect(tables[0][2]).toMatch(/^\| ✗ regression \| /);
    expect(md).not.toContain('<img');
    expect(md).toContain('a\\|b &lt;img src=x onerror=alert(1)&gt; \\`code\\` \\*bold\\*');
    const p95 = tables[1].find((l) => l.includes(`${CHAT.replace(/[[\]]/g, '\\$&')} · p95 (ms)`))!;
    expect(cellsOf(p95)[5]).toMatch(/^\+(19|20)\.\d%$/);
    expect(md).toMatch(/<details><summary>All \d+ compared metrics<\/summary>/);
  });
});
