import { describe, expect, it } from 'vitest';
import { Redactor, redactor } from '../../src/http/redact.js';
import { MAX_ERROR_LENGTH, MetricsRecorder } from '../../src/metrics/recorder.js';

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

  it('masks every registered secret, longest first, with regex characters taken literally; a release unmasks', () => {
    const r = new Redactor();
    r.add('key.+*');
    const release = r.addScoped('abcd');
    r.add('abcdef');
    expect(r.redact('x key.+* y abcdef z abcd keyXX')).toBe('x *** y *** z *** keyXX');
    release();
    expect(r.redact('abcd abcdef')).toBe('abcd ***');
    expect(new Redactor().redact('nothing to hide')).toBe('nothing to hide');
  });
});

describe('MetricsRecorder failures', () => {
  it('mask registered secrets as they are recorded (request failures and failure rows), before the length cut', () => {
    const secret = 'sk-recorder-secret-777';
    redactor.add(secret);
    const rec = new MetricsRecorder();
    rec.request('POST /v1/chat/completions [chat]', 5, `HTTP 401 ${secret}`);
    rec.failure('batch workflow', `create: HTTP 401 ${secret}`);
    rec.request('POST /v1/chat/completions [chat]', 5, `${'x'.repeat(MAX_ERROR_LENGTH - 5)}${secret}`);
    const text = JSON.stringify(rec.snapshot());
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.slice(0, 5));
    expect(rec.snapshot().failures.map((f) => f.error)).toEqual(expect.arrayContaining(['HTTP 401 ***', 'create: HTTP 401 ***']));
  });
});
