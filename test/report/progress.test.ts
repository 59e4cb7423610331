import { describe, expect, it } from 'vitest';
import { ProgressPrinter, formatProgressBlock, formatProgressLine, redrawSequence, type ProgressInput } from '../../src/report/progress.js';
import { sampleSnapshot } from './fixture.js';

const input: ProgressInput = {
  elapsedMs: 65_000,
  runTimeMs: 300_000,
  users: 10,
  interval: { rps: 42.5, p95: 123.4, requests: 85, failures: 1 },
  totals: { requests: 1200, failures: 3 },
  workflowsDone: 4,
};

describe('formatProgressLine', () => {
  it('shows elapsed/run time, users, interval rps and p95, totals and batches', () => {
    expect(formatProgressLine(input)).toBe('[1m05s/5m00s] users 10 | 42.50 req/s | 1200 reqs, 3 fails (0.25%) | p95 123 ms | batches 4');
  });

  it('handles an unbounded run, an empty interval and no batches', () => {
    const line = formatProgressLine({ ...input, runTimeMs: 0, interval: { rps: 0, p95: 0, requests: 0, failures: 0 }, workflowsDone: 0 });
    expect(line).toBe('[1m05s] users 10 | 0.00 req/s | 1200 reqs, 3 fails (0.25%) | p95 - ms');
  });
});

describe('TTY block', () => {
  it('lists the busiest names when given a snapshot', () => {
    const lines = formatProgressBlock(input, sampleSnapshot(), 2);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toContain('elapsed 1m05s/5m00s');
    expect(lines[3]).toContain('POST /v1/files [upload]');
    expect(lines[3]).toMatch(/200 reqs +4 fails {2}p95 \d+ ms/);
  });

  it('redraw moves up over the previous block, erases and reprints', () => {
    expect(redrawSequence(0, ['a', 'b'])).toBe('\r\x1b[Ja\nb\n');
    expect(redrawSequence(3, ['a'])).toBe('\x1b[3A\r\x1b[Ja\n');
    expect(redrawSequence(0, ['abcdefgh'], 6)).toBe('\r\x1b[Jab...\n');
  });
});

describe('ProgressPrinter', () => {
  function sink() {
    const chunks: string[] = [];
    return { chunks, stream: { write: (c: string) => chunks.push(c) } };
  }

  it('prints one plain line per update when not a TTY', () => {
    const { chunks, stream } = sink();
    const p = new ProgressPrinter(stream, false);
    p.update(input);
    p.update(input);
    p.log('note');
    expect(chunks).toEqual([`${formatProgressLine(input)}\n`, `${formatProgressLine(input)}\n`, 'note\n']);
    expect(chunks.join('')).not.toMatch(/\x1b/);
  });

  it('redraws the block in place on a TTY', () => {
    const { chunks, stream } = sink();
    const p = new ProgressPrinter(stream, true);
    p.update(input);
    p.update(input);
    expect(chunks[0].startsWith('\r\x1b[J')).toBe(true);
    expect(chunks[1].startsWith('\x1b[3A\r\x1b[J')).toBe(true);
    p.log('hello');
    expect(chunks.slice(2)).toEqual(['\x1b[3A\r\x1b[J', 'hello\n']);
    p.update(input);
    expect(chunks[4].startsWith('\r\x1b[J')).toBe(true);
    p.finish();
    p.update(input);
    expect(chunks[5].startsWith('\r\x1b[J')).toBe(true);
  });
});
