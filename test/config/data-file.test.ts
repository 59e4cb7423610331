import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBatchInput, resolveDataPath } from '../../src/config/data-file.js';

const dir = mkdtempSync(join(tmpdir(), 'bl-data-'));
const line = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: id, method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] }, ...extra });
function file(name: string, text: string) {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('batch input files', () => {
  it.each([
    ['small', 3],
    ['medium', 10],
    ['large', 50],
  ])('the packaged %s file has %d valid requests for /v1/chat/completions', async (name, lines) => {
    const input = await loadBatchInput(resolveDataPath(name));
    expect(input.lines).toBe(lines);
    expect(new Set(input.customIds).size).toBe(lines);
    expect(input.endpoint).toBe('/v1/chat/completions');
  });

  it('accepts a file that starts with a UTF-8 byte order mark', async () => {
    const input = await loadBatchInput(file('bom.jsonl', `\uFEFF${line('a')}\n${line('b')}\n`));
    expect(input.customIds).toEqual(['a', 'b']);
  });

  it('accepts a trailing newline and CRLF', async () => {
    const input = await loadBatchInput(file('ok.jsonl', `${line('a')}\r\n${line('b')}\r\n`));
    expect(input.customIds).toEqual(['a', 'b']);
  });

  it.each([
    ['missing file', null, /does not exist/],
    ['empty file', '', /is empty/],
    ['invalid JSON', `${line('a')}\n{nope\n`, /line 2: not valid JSON/],
    ['missing custom_id', `${JSON.stringify({ method: 'POST', url: '/v1/chat/completions', body: {} })}\n`, /line 1: custom_id is missing/],
    ['duplicate custom_id', `${line('a')}\n${line('a')}\n`, /line 2: custom_id 'a' repeats line 1/],
    ['mixed urls', `${line('a')}\n${line('b', { url: '/v1/embeddings' })}\n`, /line 2: url \/v1\/embeddings differs from \/v1\/chat\/completions/],
    ['GET method', `${line('a', { method: 'GET' })}\n`, /line 1: method must be POST/],
    ['blank line in the middle', `${line('a')}\n\n${line('b')}\n`, /line 2 is empty/],
    ['no body', `${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions' })}\n`, /body must be a JSON object/],
  ])('rejects a %s with one line', async (name, text, message) => {
    const p = text === null ? join(dir, 'nope.jsonl') : file(`${name.replace(/\W/g, '_')}.jsonl`, text);
    await expect(loadBatchInput(p)).rejects.toThrow(message);
  });
});
