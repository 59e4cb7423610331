import { describe, expect, it } from 'vitest';
import { checkIntegrity } from '../../../src/scenarios/batch/integrity.js';

const ok = (id: string) => JSON.stringify({ id: `batch_req_${id}`, custom_id: id, response: { status_code: 200, request_id: 'r', body: {} }, error: null });
const bad = (id: string) => JSON.stringify({ id: `batch_req_${id}`, custom_id: id, response: { status_code: 500, request_id: 'r', body: { error: {} } }, error: null });
const expired = (id: string) => JSON.stringify({ id: `batch_req_${id}`, custom_id: id, response: null, error: { code: 'batch_expired', message: 'x' } });
const ids = ['a', 'b', 'c'];

describe('checkIntegrity', () => {
  it('passes when every id comes back once across output and error files and counts agree', () => {
    const r = checkIntegrity(ids, `${ok('a')}\n${ok('c')}\n`, `${bad('b')}\n`, { total: 3, completed: 2, failed: 1 }, true);
    expect(r).toMatchObject({ ok: true, succeeded: 2, failed: 1, outputLines: 2, errorLines: 1, problems: {} });
  });

  it('names a missing id', () => {
    const r = checkIntegrity(ids, `${ok('a')}\n${ok('b')}\n`, '', { total: 3, completed: 3, failed: 0 }, true);
    expect(r.ok).toBe(false);
    expect(r.problems).toMatchObject({ missing: 1, count_mismatch: 1 });
    expect(r.summary).toContain('missing 1 (c)');
  });

  it('names a duplicated id', () => {
    const r = checkIntegrity(ids, `${ok('a')}\n${ok('b')}\n${ok('c')}\n${ok('b')}\n`, '', { total: 3, completed: 3, failed: 0 }, true);
    expect(r.problems.duplicate).toBe(1);
    expect(r.summary).toContain('duplicate 1 (b)');
  });

  it('names an unknown id and unparseable lines', () => {
    const r = checkIntegrity(ids, `${ok('a')}\n${ok('b')}\n${ok('c')}\n${ok('zzz')}\nnot json\n`, '', { total: 3, completed: 3, failed: 0 }, true);
    expect(r.problems).toMatchObject({ unknown: 1, unparseable: 1 });
  });

  it('names request_counts that disagree with the lines', () => {
    const r = checkIntegrity(ids, `${ok('a')}\n${ok('b')}\n${ok('c')}\n`, '', { total: 3, completed: 2, failed: 1 }, true);
    expect(r.problems).toEqual({ count_mismatch: 1 });
  });

  it('after expiry does not require every id but still catches duplicates', () => {
    const r = checkIntegrity(ids, `${ok('a')}\n`, `${expired('b')}\n${expired('c')}\n`, { total: 3, completed: 1, failed: 0 }, false);
    expect(r.ok).toBe(true);
    const dup = checkIntegrity(ids, `${ok('a')}\n${ok('a')}\n`, '', { total: 3, completed: 2, failed: 0 }, false);
    expect(dup.problems.duplicate).toBe(1);
  });
});

describe('IntegrityCheck, streamed', () => {
  it('lines cut anywhere across chunks (even inside a multi-byte character) give the same verdict', async () => {
    const { IntegrityCheck } = await import('../../../src/scenarios/batch/integrity.js');
    const { LineSplitter } = await import('../../../src/scenarios/batch/stream-lines.js');
    const body = (id: string) => JSON.stringify({ id: `batch_req_${id}`, custom_id: id, response: { status_code: 200, body: { choices: [{ message: { content: 'héllo ✓ 🙂' } }], usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 } } }, error: null });
    const text = Buffer.from(`${body('a')}\r\n${body('b')}\n${body('c')}`);
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const check = new IntegrityCheck(ids, '/v1/chat/completions');
      const splitter = new LineSplitter((l) => check.line(l, false));
      for (let i = 0; i < text.length; i += size) splitter.push(text.subarray(i, i + size));
      splitter.end();
      expect(check.finish('completed', { total: 3, completed: 3, failed: 0 }), `chunks of ${size}`).toMatchObject({ ok: true, succeeded: 3, outputTokens: 9 });
    }
  });

  it("runs the online checks on each line's body (a JSON-string body too)", async () => {
    const { IntegrityCheck } = await import('../../../src/scenarios/batch/integrity.js');
    const check = new IntegrityCheck(ids, '/v1/chat/completions');
    const line = (id: string, b: unknown) => JSON.stringify({ custom_id: id, response: { status_code: 200, body: b }, error: null });
    check.line(line('a', { choices: [{ message: { content: '' } }] }), false);
    check.line(line('b', JSON.stringify({ choices: [{ message: { content: 'x' } }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 3 } })), false);
    check.line(line('c', JSON.stringify({ choices: [{ message: { content: 'ok' } }] })), false);
    const r = check.finish('completed', { total: 3, completed: 3, failed: 0 });
    expect(r.problems).toEqual({ line_check: 2 });
    expect(r.lineChecks).toEqual({ 'empty content': 1, 'usage inconsistent': 1 });
  });

  it('a cancelled batch: absent ids only where the counts leave lines unaccounted for', () => {
    const cancelled = (id: string) => JSON.stringify({ custom_id: id, response: null, error: { code: 'batch_cancelled', message: 'x' } });
    // the mock's way: unstarted lines in the error file and counted as failed
    expect(checkIntegrity(ids, `${ok('a')}\n`, `${cancelled('b')}\n${cancelled('c')}\n`, { total: 3, completed: 1, failed: 2 }, false).ok).toBe(true);
    // a server that leaves them out of both the files and the counts
    expect(checkIntegrity(ids, `${ok('a')}\n`, '', { total: 3, completed: 1, failed: 0 }, false)).toMatchObject({ ok: true, absent: 2 });
    // counts that claim every line while one is in neither file
    expect(checkIntegrity(ids, `${ok('a')}\n`, `${cancelled('b')}\n`, { total: 3, completed: 2, failed: 1 }, false).problems).toMatchObject({ missing: 1, count_mismatch: 1 });
  });
});
