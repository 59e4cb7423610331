import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../src/report/compare.js';
import { renderCompareHtml } from '../../src/report/html/compare.js';
import { jsonForScript, maskCredentials } from '../../src/report/html/escape.js';
import { renderHtmlReport } from '../../src/report/html/report.js';
import { SPECTRUM_X, spectrumChart } from '../../src/report/html/charts.js';
import { buildJsonReport, parseJsonReport } from '../../src/report/json.js';
import { MetricHistogram } from '../../src/metrics/histogram.js';
import { EVIL_NAME, evilReport } from './evil.js';
import { sampleSnapshot } from './fixture.js';
import { sweepReport, syntheticReport } from './synthetic.js';

const scripts = (html: string) => [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }));

describe('renderHtmlReport', () => {
  it('is one self-contained file: no URL but the target, no src/href, a CSP that allows nothing external', () => {
    const doc = syntheticReport(2);
    const html = renderHtmlReport(doc);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const urls = html.match(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<&)]+/gi) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((u) => u.startsWith('http://127.0.0.1:8080'))).toBe(true); // the target, as text
    expect(html).not.toMatch(/\s(src|href|srcset|action|poster)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1].replace(/&#39;/g, "'");
    expect(csp).toContain("default-src 'none'");
    // the policy allows exactly the two inline scripts, by hash
    const inline = scripts(html).filter((s) => !s.attrs.includes('application/json'));
    expect(inline).toHaveLength(2);
    for (const s of inline) expect(csp).toContain(`'sha256-${createHash('sha256').update(s.body, 'utf8').digest('base64')}'`);
    expect(inline[0].body).toContain('uPlot');
  });

  it('escapes everything from the report: no script injection through names or failures', () => {
    const html = renderHtmlReport(evilReport());
    expect(scripts(html)).toHaveLength(3); // data, uPlot, page script: nothing else
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;&lt;!--');
    expect(html).toContain('run-&lt;b&gt;1&lt;/b&gt;');
    // the chart data is JSON that parses back to the same text
    const data = scripts(html).find((s) => s.attrs.includes('application/json'))!.body;
    expect(data).not.toMatch(/<|>/);
    const charts = (JSON.parse(data) as { charts: Array<{ series: Array<{ label: string }> }> }).charts;
    expect(charts.flatMap((c) => c.series.map((s) => s.label))).toContain(EVIL_NAME);
    expect(jsonForScript({ a: '</script>\u2028&' })).toBe('{"a":"\\u003c/script\\u003e\\u2028\\u0026"}');
  });

  it('shows the configuration without secrets, even in a report written by something else', () => {
    const doc = evilReport();
    doc.config = {
      target: { host: 'http://user:hunter2@127.0.0.1:9' },
      auth: { apiKey: 'sk-live-123456', basicAuthPassword: 'pw-123456', apiKeyEndpoint: '/admin/keys' },
      headers: { note: 'Authorization: Bearer abc.def-123' },
    };
    const html = renderHtmlReport(doc);
    for (const secret of ['hunter2', 'sk-live-123456', 'pw-123456', 'abc.def-123']) expect(html).not.toContain(secret);
    expect(html).toContain('/admin/keys');
    expect(maskCredentials('x Bearer t0k.en y https://a:b@h/')).toBe('x Bearer *** y https://a:***@h/');
  });

  it('reproduces the same page from the JSON file (what `batch-load report` does)', () => {
    const doc = syntheticReport(1);
    expect(renderHtmlReport(parseJsonReport(JSON.stringify(doc)))).toBe(renderHtmlReport(doc));
  });

  it('renders the sections a report has, and an older report without time series', () => {
    const full = renderHtmlReport(sweepReport());
    for (const id of ['thresholds', 'over-time', 'requests', 'spectrum', 'failures', 'llm', 'batches', 'sweep', 'config']) expect(full).toContain(`<section id="${id}">`);
    for (const id of ['ts-throughput', 'ts-latency', 'ts-errors', 'ts-load', 'ts-ttft', 'ts-itl', 'ts-tokens', 'ts-batches', 'spectrum-requests', 'spectrum-ttft', 'sweep-latency', 'sweep-goodput']) {
      expect(full, id).toContain(`id="${id}"`);
    }
    expect(full).toContain('class="lc-span st-in_progress"');
    const old = buildJsonReport({ version: '0.0.9', runId: 'old', config: {}, metrics: sampleSnapshot(), thresholds: [], exitCode: 0 });
    const html = renderHtmlReport(old);
    expect(html).not.toContain('<section id="over-time">');
    expect(html).not.toContain('<section id="sweep">');
    expect(html).toContain('<section id="requests">');
  });

  it('stays under 1 MB for an hour at 5 s intervals', () => {
    const sizes = [10, 60].map((minutes) => Buffer.byteLength(renderHtmlReport(syntheticReport(minutes)), 'utf8'));
    console.log(`HTML report size: 10 min ${(sizes[0] / 1024).toFixed(0)} KiB, 1 h ${(sizes[1] / 1024).toFixed(0)} KiB (5 s intervals)`);
    expect(sizes[1]).toBeLessThan(1024 * 1024);
    expect(sizes[0]).toBeLessThan(sizes[1]);
  });
});

describe('percentile spectrum', () => {
  it('takes its points from the encoded histogram: p = 1 − 1/x, up to the last sample', () => {
    const h = new MetricHistogram('ms');
    for (let i = 1; i <= 1000; i++) h.record(i);
    const chart = spectrumChart('s', 't', 'ms', [{ label: 'x', distribution: h.distribution(true) }])!;
    expect(chart.x.values).toBe(SPECTRUM_X);
    expect(SPECTRUM_X[0]).toBe(1);
    expect(SPECTRUM_X[SPECTRUM_X.length - 1]).toBe(1e5); // p99.999
    const at = (x: number) => chart.series[0].values[SPECTRUM_X.indexOf(x)];
    expect(at(1)).toBe(1); // p0 = min
    expect(at(2)).toBeCloseTo(500, -1); // p50
    expect(chart.series[0].values[SPECTRUM_X.findIndex((x) => x > 1000)]).toBeNull(); // past the last sample
    expect(spectrumChart('s', 't', 'ms', [{ label: 'empty', distribution: new MetricHistogram().distribution() }])).toBeUndefined();
  });
});

describe('renderCompareHtml', () => {
  it('one page with the verdict, every row and the spectra of both runs', () => {
    const base = syntheticReport(1);
    const next = parseJsonReport(JSON.stringify(base));
    next.runId = 'next';
    const html = renderCompareHtml(compareReports(base, next), base, next);
    expect(html).toContain('✓ no regression beyond 10%');
    expect(html).toContain('id="cmp-aggregated"');
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    const rows = html.match(/<tr>/g)!.length - 1;
    expect(rows).toBe(compareReports(base, next).rows.length);
  });
});
