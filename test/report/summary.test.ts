import { describe, expect, it } from 'vitest';
import {
  renderBatchSection,
  renderCountersSection,
  renderFailuresTable,
  renderRequestsTable,
  renderSummary,
  renderThresholdsSection,
  renderTrendsSection,
  resultLine,
} from '../../src/report/summary.js';
import { evaluateThresholds } from '../../src/thresholds/evaluate.js';
import { parseThresholds } from '../../src/thresholds/parse.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { sampleSnapshot } from './fixture.js';
import { onlineSummarySections } from '../../src/scenarios/online/report.js';
import { LlmMetricNames, StreamTimer, recordStream } from '../../src/scenarios/online/stream-metrics.js';

const cells = (line: string) => line.trim().split(/\s{2,}/);
const lineWith = (text: string, needle: string) => {
  const line = text.split('\n').find((l) => l.includes(needle));
  expect(line, `a line containing ${needle}`).toBeDefined();
  return line as string;
};

describe('summary sections', () => {
  const s = sampleSnapshot();

  it('requests table: Locust columns, per name and Aggregated', () => {
    const text = renderRequestsTable(s);
    expect(cells(lineWith(text, 'Type'))).toEqual(['Type', 'Name', '# reqs', '# fails', 'Avg', 'Min', 'Max', 'Med', 'p90', 'p95', 'p99', 'p99.9', 'req/s', 'failures/s']);
    const upload = cells(lineWith(text, '/v1/files [upload]'));
    expect(upload.slice(0, 4)).toEqual(['POST', '/v1/files [upload]', '200', '4(2.00%)']);
    expect(upload[5]).toBe('101'); // min
    expect(upload[6]).toBe('300'); // max
    expect(upload.slice(-2)).toEqual(['2.00', '0.04']);
    const agg = cells(lineWith(text, 'Aggregated'));
    expect(agg.slice(0, 3)).toEqual(['Aggregated', '302', '5(1.66%)']);
    expect(agg[4]).toBe('3.0'); // min: sub-10 ms keep a decimal
    expect(agg[5]).toBe('5000');
    const health = cells(lineWith(text, 'health check'));
    expect(health[0]).toBe('health check'); // no method: Type column empty
    // names sorted, Aggregated last after a rule
    const lines = text.split('\n');
    expect(lines[lines.length - 2]).toMatch(/^-+$/);
  });

  it('requests table fits a width by shortening names', () => {
    const text = renderRequestsTable(s, { width: 110 });
    expect(text).toMatch(/GET +\/v1\/batches\/\S*\.\.\. /);
    for (const l of text.split('\n').slice(1)) expect(l.length).toBeLessThanOrEqual(110);
    expect(cells(lineWith(text, 'Aggregated'))[0]).toBe('Aggregated');
  });

  it('failures table', () => {
    const text = renderFailuresTable(s);
    expect(cells(lineWith(text, 'HTTP 500'))).toEqual(['4', 'POST', '/v1/files [upload]', 'HTTP 500']);
    expect(cells(lineWith(text, 'timeout'))).toEqual(['1', 'GET', '/v1/batches/{batch_id} [poll]', 'timeout after 30s']);
    expect(renderFailuresTable(new MetricsRecorder().snapshot())).toBe('');
  });

  it('batch section: turnaround, time in status in lifecycle order, polls, counters', () => {
    const text = renderBatchSection(s);
    expect(text.split('\n')[0]).toBe('Batch workflow');
    const turnaround = cells(lineWith(text, 'batch_turnaround'));
    // p50: hdr's bucket upper bound at 3 significant digits (45000 → 45023)
    expect(turnaround).toEqual(['batch_turnaround', '2', '45000', '55000', '45023', '65000', '65000', '65000', '65000', 'ms']);
    expect(text.indexOf('time in validating')).toBeLessThan(text.indexOf('time in in_progress'));
    expect(cells(lineWith(text, 'batch_polls'))).toEqual(['batch_polls', '1', '6', '6', '6', '6', '6', '6', '6', 'count']);
    expect(cells(lineWith(text, 'workflows_completed'))).toEqual(['workflows_completed', '2']);
    expect(cells(lineWith(text, 'integrity_missing'))).toEqual(['integrity_missing', '1']);
    expect(text).toContain('batch lines succeeded: 99.00% of 200');
    expect(text).not.toContain('ttft');
    expect(renderBatchSection(new MetricsRecorder().snapshot())).toBe('');
  });

  it('other trends and counters', () => {
    const trends = renderTrendsSection(s);
    expect(cells(lineWith(trends, 'ttft'))).toEqual(['ttft', '2', '180', '200', '180', '220', '220', '220', '220', 'ms']);
    expect(cells(lineWith(trends, 'tokens_per_second'))).toEqual(['tokens_per_second', '1', ...Array(7).fill('55.50'), '/s']);
    expect(trends).not.toContain('batch_turnaround');
    const counters = renderCountersSection(s);
    expect(counters).toContain('iterations:batch');
    expect(counters).not.toContain('workflows_completed');
  });

  it('thresholds k6-style: grouped by metric, ✓/✗, condition and observed value', () => {
    const results = evaluateThresholds(
      parseThresholds(['http_req_duration: p(95)<=1000', 'integrity: count==0', 'nope: avg<1', 'http_req_duration: p(99)<1, avg<5000']),
      s,
    );
    const lines = renderThresholdsSection(results).split('\n');
    expect(lines[0]).toBe('Thresholds');
    expect(lines[1]).toBe('  http_req_duration');
    expect(lines[2]).toMatch(/^ {4}✓ 'p\(95\)<=1000' p\(95\)=[\d.]+$/);
    expect(lines[3]).toMatch(/^ {4}✗ 'p\(99\)<1' p\(99\)=[\d.]+$/);
    expect(lines[4]).toMatch(/^ {4}✓ 'avg<5000' avg=[\d.]+$/);
    expect(lines.slice(5)).toEqual(['  integrity', "    ✗ 'count==0' count=1", '  nope', "    ✗ 'avg<1' avg=n/a (unknown metric 'nope')"]);
    expect(resultLine(results)).toBe('RESULT: FAIL (3 of 5 thresholds failed)');
    expect(resultLine(results.slice(0, 1))).toBe('RESULT: PASS');
    expect(resultLine([])).toBe('RESULT: PASS (no thresholds)');
  });

  it('counters are sorted by name (the open model\'s starts are in the Load shape section)', () => {
    const r = new MetricsRecorder();
    for (const name of ['zeta', 'alpha', 'iterations:chat', 'scenario_errors']) r.count(name);
    r.count('dropped_iterations', 3);
    r.count('iterations_scheduled', 10);
    const names = renderCountersSection(r.snapshot()).split('\n').slice(1).map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(['alpha', 'iterations:chat', 'scenario_errors', 'zeta']);
    expect(renderSummary({ snapshot: r.snapshot(), thresholds: [] })).toContain('Load shape\nstarts: 10 due, 7 started, 3 dropped (30.00%): no free worker under --users');
  });
});

describe('each metric appears once', () => {
  it('LLM trends and token counters are left to the LLM table, with a run-wide row for several scenarios', () => {
    const r = new MetricsRecorder();
    const chat = new LlmMetricNames('chat', true);
    const responses = new LlmMetricNames('responses', true);
    for (const names of [chat, responses]) {
      for (let i = 0; i < 3; i++) {
        const t = new StreamTimer(0);
        t.content(100);
        t.content(120);
        t.end(150);
        recordStream(r, names, t, 2);
      }
    }
    r.count('iterations:chat', 3);
    const snapshot = r.snapshot();
    const extra = onlineSummarySections(snapshot);
    const text = renderSummary({ snapshot, thresholds: [], extraSections: extra });
    const occurrences = (needle: RegExp) => text.split('\n').filter((l) => needle.test(l)).length;
    for (const metric of ['ttft', 'itl', 'tpot', 'e2e', 'tokens_per_second', 'output_tokens_total']) {
      expect(occurrences(new RegExp(`^${metric}(:|\\s)`)), metric).toBe(0);
    }
    // the LLM table: one row per scenario plus the run-wide row
    const table = extra[0].split('\n');
    expect(table.filter((l) => /^(chat|responses|all) /.test(l)).map((l) => l.split(/\s+/)[0])).toEqual(['chat', 'responses', 'all']);
    expect(cells(lineWith(extra[0], 'all'))[1]).toBe('6'); // run-wide requests
    // what the table does not show stays in the generic sections
    expect(lineWith(text, 'output_tokens ')).toMatch(/^output_tokens +6 /);
    expect(lineWith(text, 'iterations:chat')).toMatch(/iterations:chat +3$/);
    expect(lineWith(text, 'output_tokens_counted_total')).toMatch(/ 12$/);
  });

  it('one scenario: no run-wide row (it would repeat the scenario row)', () => {
    const r = new MetricsRecorder();
    const t = new StreamTimer(0);
    t.content(100);
    t.end(150);
    recordStream(r, new LlmMetricNames('chat', true), t, 1);
    const extra = onlineSummarySections(r.snapshot());
    expect(extra[0]).not.toMatch(/^all /m);
    const rest = renderTrendsSection(r.snapshot()).split('\n').slice(3).map((l) => l.split(/\s+/)[0]);
    expect(rest).toEqual(['output_tokens']);
  });
});

describe('renderSummary', () => {
  it('composes the sections with RESULT last and no ANSI codes', () => {
    const s = sampleSnapshot();
    const results = evaluateThresholds(parseThresholds(['errors: rate<0.5']), s);
    const text = renderSummary({ snapshot: s, thresholds: results, title: 'My run', extraSections: ['Proxy overhead\np99 3 ms'] });
    const lines = text.split('\n');
    expect(lines[0]).toBe('My run');
    expect(lines[1]).toContain('(1m40s)');
    expect(lines[lines.length - 1]).toBe('RESULT: PASS');
    const order = ['Requests', 'Failures', 'Batch workflow', 'Other trends', 'Counters', 'Proxy overhead', 'Thresholds'].map((h) => text.indexOf(`\n${h}`));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(order.every((i) => i > 0)).toBe(true);
    expect(text).not.toMatch(/\x1b/);
  });

  it('renders an empty run', () => {
    const text = renderSummary({ snapshot: new MetricsRecorder().snapshot(), thresholds: [] });
    expect(text).toContain('no requests recorded');
    expect(text.endsWith('RESULT: PASS (no thresholds)')).toBe(true);
  });
});
