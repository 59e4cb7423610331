import { describe, expect, it } from 'vitest';
import { checkProof, newNonce, openSecret, proofOf, sealSecret } from '../../src/workers/auth.js';
import { decodeMessage, encodeMessage, LineReader } from '../../src/workers/protocol.js';

describe('the channel’s framing', () => {
  it('splits lines across chunks and messages across lines', () => {
    const lines: string[] = [];
    const r = new LineReader(1000, (l) => lines.push(l), () => lines.push('OVERFLOW'));
    const text = encodeMessage({ t: 'ready' }) + encodeMessage({ t: 'log', line: 'ünïcode ✓' }) + encodeMessage({ t: 'hb' });
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += 3) r.push(bytes.subarray(i, i + 3));
    expect(lines.map((l) => decodeMessage(l))).toEqual([{ t: 'ready' }, { t: 'log', line: 'ünïcode ✓' }, { t: 'hb' }]);
  });

  it('holds at most maxBytes of one line: a longer one calls overflow once and nothing more is read', () => {
    const lines: string[] = [];
    let overflows = 0;
    const r = new LineReader(64, (l) => lines.push(l), () => overflows++);
    r.push(Buffer.from(`${'x'.repeat(40)}`));
    r.push(Buffer.from(`${'y'.repeat(40)}\n{"t":"ready"}\n`));
    expect(overflows).toBe(1);
    expect(lines).toEqual([]);
    r.push(Buffer.from('{"t":"ready"}\n'));
    expect(lines).toEqual([]);
  });

  it('a message is an object with a type', () => {
    for (const bad of ['null', '[]', '"x"', '{"type":"x"}']) expect(() => decodeMessage(bad)).toThrow();
  });
});

describe('proofs of the token', () => {
  const token = 'a-shared-token-of-some-length';
  const a = newNonce();
  const b = newNonce();

  it('each side proves it over both nonces; the check is the same HMAC', () => {
    expect(checkProof(token, 'coordinator', a, b, proofOf(token, 'coordinator', a, b))).toBe(true);
    expect(checkProof(token, 'worker', b, a, proofOf(token, 'worker', b, a))).toBe(true);
  });

  it('a wrong token, swapped nonces, the other role, or garbage of any length fail', () => {
    const good = proofOf(token, 'coordinator', a, b);
    expect(checkProof(token, 'coordinator', a, b, proofOf('another-token-entirely', 'coordinator', a, b))).toBe(false);
    expect(checkProof(token, 'coordinator', a, b, proofOf(token, 'coordinator', b, a))).toBe(false);
    // a coordinator's proof cannot be replayed as a worker's
    expect(checkProof(token, 'worker', a, b, good)).toBe(false);
    for (const junk of ['', 'zz', good.slice(2), `${good}00`, 42, undefined]) expect(checkProof(token, 'coordinator', a, b, junk)).toBe(false);
  });

  it('the API key is sealed for one connection: another token or other nonces cannot open it', () => {
    const sealed = sealSecret(token, a, b, 'sk-secret-key');
    expect(sealed).not.toContain('sk-secret-key');
    expect(openSecret(token, a, b, sealed)).toBe('sk-secret-key');
    expect(() => openSecret('another-token-entirely', a, b, sealed)).toThrow();
    expect(() => openSecret(token, b, a, sealed)).toThrow();
  });
});
