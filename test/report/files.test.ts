import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATS_HISTORY_HEADER } from '../../src/report/csv.js';
import { compareReportFiles, writeReportOutputs } from '../../src/report/files.js';
import { renderHtmlReport } from '../../src/report/html/report.js';
import { readJsonReport, writeJsonReport, type JsonReport } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { syntheticReport } from './synthetic.js';

let dir: string;
let doc: JsonReport;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'batch-load-files-'));
  doc = syntheticReport(2);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('batch-load report RUN.json', () => {
  it('reproduces the run\'s HTML, and writes JUnit and the CSV files, history from the time series', async () => {
    const json = join(dir, 'run.json');
    await writeJsonReport(json, doc);
    const saved = await readJsonReport(json);
    const written = await writeReportOutputs(saved, { html: join(dir, 'run.html'), junit: join(dir, 'run.xml'), csvPrefix: join(dir, 'run') });
    expect(written).toEqual(['run.html', 'run.xml', 'run_stats.csv', 'run_failures.csv', 'run_stats_history.csv'].map((f) => join(dir, f)));
    expect(await readFile(join(dir, 'run.html'), 'utf8')).toBe(renderHtmlReport(doc));
    expect(await readFile(join(dir, 'run.xml'), 'utf8')).toBe(renderJunit(doc));
    const history = (await readFile(join(dir, 'run_stats_history.csv'), 'utf8')).trimEnd().split('\n');
    expect(history[0]).toBe(STATS_HISTORY_HEADER.join(','));
    expect(history).toHaveLength(doc.timeseries!.length + 1);
    const last = history[history.length - 1].split(',');
    expect(Number(last[last.length - 2])).toBe(doc.metrics.aggregated.count);
    expect(last[6]).not.toBe('N/A'); // 50 %
    expect(last[7]).toBe('N/A'); // 66 %: not kept in the series
    expect(last[1]).toBe(String(Math.round(doc.timeseries![doc.timeseries!.length - 1].users!)));
  });
});

describe('batch-load compare BASE.json NEW.json', () => {
  it('writes markdown and HTML and returns the exit code', async () => {
    const base = join(dir, 'base.json');
    const next = join(dir, 'next.json');
    await writeJsonReport(base, doc);
    const slower = JSON.parse(JSON.stringify(doc)) as JsonReport;
    slower.metrics.aggregated.p95 *= 1.25;
    await writeJsonReport(next, slower);
    const md = join(dir, 'cmp.md');
    const html = join(dir, 'cmp.html');
    const { result, written } = await compareReportFiles(base, next, { maxRegression: 0.1, markdown: md, html });
    expect(result.exitCode).toBe(1);
    expect(written).toEqual([md, html]);
    expect(await readFile(md, 'utf8')).toMatch(/^### batch-load compare: ✗ 1 regression beyond 10%/);
    expect(await readFile(html, 'utf8')).toContain('<!doctype html>');
    expect((await compareReportFiles(base, next, { maxRegression: 0.3 })).result.exitCode).toBe(0);
  });

  it('a file that is not a report is one line naming it', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"tool":"k6"}');
    await expect(compareReportFiles(bad, bad)).rejects.toThrow(`${bad}: not a batch-load report`);
  });
});
