import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import {
  FAILURES_HEADER,
  STATS_HEADER,
  STATS_HISTORY_HEADER,
  StatsHistoryCsv,
  csvField,
  failuresCsv,
  statsCsv,
  statsHistoryRow,
  writeCsvReports,
} from '../../src/report/csv.js';
import { clockedRecorder, sampleSnapshot } from './fixture.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const rows = (csv: string) => csv.trimEnd().split('\n');

describe('Locust CSV', () => {
  it('stats.csv has Locust columns, a row per name and Aggregated', () => {
    const lines = rows(statsCsv(sampleSnapshot()));
    expect(lines[0]).toBe(
      'Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,' +
        'Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%',
    );
    expect(lines[0].split(',')).toEqual(STATS_HEADER);
    const upload = lines.find((l) => l.startsWith('POST,'))?.split(',') ?? [];
    expect(upload.slice(0, 4)).toEqual(['POST', '/v1/files [upload]', '200', '4']);
    expect(upload[5]).toBe('200.5'); // average
    expect(upload[6]).toBe('101'); // min
    expect(upload[7]).toBe('300'); // max
    expect(upload[8]).toBe('0'); // content size not tracked
    expect(upload.slice(9, 11)).toEqual(['2', '0.04']);
    expect(upload[upload.length - 1]).toBe('300'); // 100% = max
    expect(Number(upload[12])).toBeCloseTo(232, 0); // 66% (rank 132 of 101..300): decoded from the histogram
    expect(lines[lines.length - 1].startsWith(',Aggregated,302,5,')).toBe(true);
    expect(lines).toHaveLength(5);
  });

  it('an empty request writes N/A percentiles like Locust', () => {
    const line = rows(statsCsv(new MetricsRecorder().snapshot()))[1];
    expect(line).toBe(',Aggregated,0,0,0,0,0,0,0,0,0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A');
  });

  it('failures.csv', () => {
    const lines = rows(failuresCsv(sampleSnapshot()));
    expect(lines[0].split(',')).toEqual(FAILURES_HEADER);
    expect(lines[1]).toBe('POST,/v1/files [upload],HTTP 500,4');
    expect(lines[2]).toBe('GET,/v1/batches/{batch_id} [poll],timeout after 30s,1');
  });

  it('quotes fields with commas and quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField(3)).toBe('3');
  });

  it('stats history rows from interval stats', () => {
    const { recorder, advance } = clockedRecorder();
    for (let i = 1; i <= 10; i++) recorder.request('GET /x', i, i === 1 ? 'boom' : undefined);
    advance(2000);
    const interval = recorder.takeInterval();
    const row = statsHistoryRow({ timestampMs: interval.endedAtMs, users: 5, interval, totals: recorder.totals() }).trimEnd().split(',');
    expect(row).toHaveLength(STATS_HISTORY_HEADER.length);
    expect(row.slice(0, 6)).toEqual([String(Math.floor(interval.endedAtMs / 1000)), '5', '', 'Aggregated', '5', '0.5']);
    expect(Number(row[6])).toBeCloseTo(5, 2); // 50% (hdr bucket upper bound: 5.003)
    expect(row[16]).toBe('10'); // 100%
    expect(row.slice(-2)).toEqual(['10', '1']);
    const empty = recorder.takeInterval();
    expect(statsHistoryRow({ users: 5, interval: empty, totals: recorder.totals() })).toContain(',N/A,');
  });

  it('writes the files under a prefix, history header once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'batch-load-csv-'));
    dirs.push(dir);
    const prefix = join(dir, 'out', 'run');
    const written = await writeCsvReports(prefix, sampleSnapshot());
    expect(written).toEqual([`${prefix}_stats.csv`, `${prefix}_failures.csv`]);
    expect((await readFile(written[0], 'utf8')).startsWith('Type,Name,')).toBe(true);

    const history = new StatsHistoryCsv(prefix);
    const { recorder, advance } = clockedRecorder();
    for (let tick = 0; tick < 3; tick++) {
      recorder.request('GET /x', 10);
      advance(1000);
      history.append({ users: 1, interval: recorder.takeInterval(), totals: recorder.totals() });
    }
    const lines = rows(await readFile(history.path, 'utf8'));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(STATS_HISTORY_HEADER.join(','));
    expect(lines[3].split(',').slice(-2)).toEqual(['3', '0']);
    // a new writer (new run) starts the file over
    new StatsHistoryCsv(prefix).append({ users: 1, interval: recorder.takeInterval(), totals: recorder.totals() });
    expect(rows(await readFile(history.path, 'utf8'))).toHaveLength(2);
  });
});
