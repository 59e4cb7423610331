import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/http/redact.js';

describe('Redactor', () => {
  it('masks registered secrets and any Bearer/Basic credential', () => {
    const r = new Redactor();
    r.add('sk-live-123456');
    expect(r.redact('key sk-live-123456 in text; Authorization: Bearer abc.def Basic Zm9vOmJhcg==')).toBe(
      'key *** in text; Authorization: Bearer *** Basic ***',
    );
  });

  it('scoped secrets are masked until every holder releases them; process secrets stay', () => {
    const r = new Redactor();
    const a = r.addScoped('run-key-aaaa');
    const b = r.addScoped('run-key-aaaa');
    a();
    a(); // releasing twice counts once
    expect(r.redact('run-key-aaaa')).toBe('***');
    b();
    expect(r.redact('run-key-aaaa')).toBe('run-key-aaaa');
    r.add('cli-secret-1');
    r.addScoped('cli-secret-1')();
    expect(r.redact('cli-secret-1')).toBe('***');
  });
});
