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
