/**
 * The HTML reports opened in real headless Chromium from file://: a real mixed run's report
 * (with a request name and a failure carrying markup), a sweep report and a compare page. No
 * console errors, no request besides the file, every chart drew, screenshots under
 * .cache/artifacts/. Without /usr/bin/chromium the tests are skipped, loudly.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReports } from '../../src/report/compare.js';
import { compareVerdict } from '../../src/report/compare-markdown.js';
import { renderCompareHtml } from '../../src/report/html/compare.js';
import { renderHtmlReport } from '../../src/report/html/report.js';
import { chartGrid, renderPage } from '../../src/report/html/page.js';
import { parseJsonReport } from '../../src/report/json.js';
import { CHROMIUM, chromiumAvailable, launchChromium, openReport, type Browser, type PageCheck } from './browser.js';
import { EVIL_ERROR, EVIL_NAME } from './evil.js';
import { realMixedRun, type RealRun } from './real-run.js';
import { sweepReport } from './synthetic.js';

const ARTIFACTS = resolve('.cache/artifacts');

if (!chromiumAvailable) {
  const line = '!'.repeat(100);
  console.error(`\n${line}\nSKIPPED: the HTML report's real-browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium; .ci/run installs it)\n${line}\n`);
}

/** Every chart drew: coloured pixels (series strokes) inside its plot area. */
function expectChartsDrawn(check: PageCheck, ids: string[]) {
  expect(check.charts.map((c) => c.id)).toEqual(expect.arrayContaining(ids));
  for (const c of check.charts) {
    expect(c.plotArea, c.id).toBeGreaterThan(10_000);
    expect(c.coloured, `${c.id}: coloured pixels in the plot area`).toBeGreaterThan(50);
  }
}

describe.skipIf(!chromiumAvailable)('HTML reports in headless Chromium', () => {
  let browser: Browser;
  let run: RealRun;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    [browser, run] = await Promise.all([launchChromium(), realMixedRun()]);
  });
  afterAll(async () => {
    await browser?.close();
    if (run) await rm(run.dir, { recursive: true, force: true });
  });

  async function page(name: string, html: string): Promise<PageCheck> {
    const file = join(ARTIFACTS, `${name}.html`);
    await writeFile(file, html, 'utf8');
    return openReport(browser, file, join(ARTIFACTS, `${name}.png`));
  }

  it('the checks see what they look for: a request, a console error, a blank chart', async () => {
    const blank = renderPage({
      title: 'control',
      body: `${chartGrid([{ id: 'blank', title: 'blank', x: { kind: 'linear', label: 'x', values: [1, 2, 3] }, yLabel: 'y', series: [{ label: 's', color: '#d62728', values: [null, null, null] }] }])}`,
      charts: [{ id: 'blank', title: 'blank', x: { kind: 'linear', label: 'x', values: [1, 2, 3] }, yLabel: 'y', series: [{ label: 's', color: '#d62728', values: [null, null, null] }] }],
    });
    // a page without our CSP that fetches an image and logs an error
    const leaky = blank.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('<body>', '<body><img src="http://127.0.0.1:9/pixel.png">');
    const check = await page('control', leaky);
    expect(check.requests).toEqual(['http://127.0.0.1:9/pixel.png']);
    expect(check.consoleErrors.length).toBeGreaterThan(0);
    expect(check.charts).toEqual([expect.objectContaining({ id: 'blank', coloured: 0 })]);
  });

  it("a real mixed run's report: no console error, no request, every chart drawn, markup in names shown as text", async () => {
    const doc = parseJsonReport(JSON.stringify(run.doc));
    doc.metrics.requests[EVIL_NAME] = { ...doc.metrics.aggregated, name: EVIL_NAME, method: 'POST' };
    doc.metrics.failures.push({ method: 'POST', name: EVIL_NAME, error: EVIL_ERROR, occurrences: 1 });
    const check = await page('report-mixed-run', renderHtmlReport(doc));
    expect(check.consoleErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expect(check.pwned).toBeUndefined();
    expectChartsDrawn(check, ['ts-throughput', 'ts-latency', 'ts-latency-names', 'ts-errors', 'ts-load', 'ts-ttft', 'ts-itl', 'ts-tokens', 'spectrum-requests', 'spectrum-ttft', 'spectrum-itl']);
    expect(check.batchBars).toBeGreaterThan(0);
    expect(check.text).toContain(EVIL_ERROR);
    const failed = doc.thresholds.filter((t) => !t.passed).length;
    expect(failed).toBeGreaterThanOrEqual(1); // errors: rate<0.001 against 3 % server errors
    expect(check.text).toContain(`FAIL (${failed} of ${doc.thresholds.length} thresholds failed) · exit code 1`);
    expect(check.text).not.toContain('sk-report-secret-1234');
  });

  it('a sweep report draws its curves', async () => {
    const check = await page('report-sweep', renderHtmlReport(sweepReport()));
    expect(check.consoleErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expectChartsDrawn(check, ['sweep-latency', 'sweep-goodput', 'ts-batches', 'spectrum-requests']);
    expect(check.text).toContain('Maximum sustainable rate: 40.00/s');
  });

  it('a compare page draws both runs', async () => {
    const next = parseJsonReport(JSON.stringify(run.doc));
    next.runId = 'next';
    for (const r of [next.metrics.aggregated, ...Object.values(next.metrics.requests)]) r.p95 *= 1.2;
    const result = compareReports(run.doc, next);
    const check = await page('compare', renderCompareHtml(result, run.doc, next));
    expect(check.consoleErrors).toEqual([]);
    expect(check.requests).toEqual([]);
    expectChartsDrawn(check, ['cmp-aggregated']);
    // whether +20 % counts depends on how many requests the short run made (the noise guard)
    expect(check.text).toContain(`${compareVerdict(result)} · exit code ${result.exitCode}`);
  });
});
