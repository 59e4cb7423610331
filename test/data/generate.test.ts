import { readFileSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBatchInput } from '../../src/config/data-file.js';
import { approxTokens } from '../../src/util/tokens.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bl-data-'));
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('batch-load data', () => {
  it('lengths match the request (mean within 5 %), ids are fresh, the file passes the input validation', async () => {
    const out = join(dir, 'chat.jsonl');
    const run = await runCli(['data', '--lines', '4000', '--prompt-tokens', '512:128', '--output-tokens', '256:64', '--shared-prefix', '50', '--seed', '7', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Wrote .*chat\.jsonl: 4000 lines, [\d.]+ MB, \/v1\/chat\/completions/);
    const rows = lines(out);
    expect(rows).toHaveLength(4000);
    const prompt = rows.map((r) => approxTokens(r.body.messages[0].content));
    const output = rows.map((r) => r.body.max_tokens as number);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.abs(mean(prompt) / 512 - 1)).toBeLessThan(0.05);
    expect(Math.abs(mean(output) / 256 - 1)).toBeLessThan(0.05);
    const sd = Math.sqrt(mean(prompt.map((p) => (p - mean(prompt)) ** 2)));
    expect(sd).toBeGreaterThan(100);
    expect(sd).toBeLessThan(150);
    expect(new Set(rows.map((r) => r.custom_id)).size).toBe(4000);
    // the shared prefix: the first 50 tokens (200 characters) are the same on every line
    // (a prompt shorter than the prefix is the prefix's start: 4.5 sd below the mean, it can happen)
    const long = rows.map((r) => r.body.messages[0].content as string).filter((c) => c.length >= 200);
    expect(long.length).toBeGreaterThan(3990);
    const prefixes = new Set(long.map((c) => c.slice(0, 200)));
    expect(prefixes.size).toBe(1);
    expect(new Set(rows.map((r) => r.body.messages[0].content)).size).toBe(4000);
    const input = await loadBatchInput(out);
    expect(input.lines).toBe(4000);
    expect(input.endpoint).toBe('/v1/chat/completions');
  });

  it('the same seed writes the same file', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    for (const f of [a, b]) expect((await runCli(['data', '-n', '200', '--prompt-tokens', '64:16', '--seed', '3', '-o', f])).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it.each([
    ['responses', (b: Record<string, unknown>) => typeof b.input === 'string' && typeof b.max_output_tokens === 'number'],
    ['completions', (b: Record<string, unknown>) => typeof b.prompt === 'string' && typeof b.max_tokens === 'number'],
    ['embeddings', (b: Record<string, unknown>) => typeof b.input === 'string' && b.model === 'text-embedding-3-small' && b.max_tokens === undefined],
  ])('--endpoint %s writes that endpoint’s bodies', async (endpoint, check) => {
    const out = join(dir, `${endpoint}.jsonl`);
    expect((await runCli(['data', '--endpoint', endpoint, '-n', '20', '--prompt-tokens', '32', '-o', out])).code).toBe(0);
    const rows = lines(out);
    expect(rows.every((r) => check(r.body))).toBe(true);
    expect(rows.every((r) => approxTokens(String(r.body.input ?? r.body.prompt)) === 32)).toBe(true);
    expect((await loadBatchInput(out)).endpoint).toBe(`/v1/${endpoint === 'chat' ? 'chat/completions' : endpoint}`);
  });

  it('--from turns a text or JSONL file of prompts into lines', async () => {
    const text = join(dir, 'prompts.txt');
    writeFileSync(text, 'What is a river?\n\nName three planets.\n');
    const out = join(dir, 'from.jsonl');
    expect((await runCli(['data', '--from', text, '-o', out])).code).toBe(0);
    expect(lines(out).map((r) => r.body.messages[0].content)).toEqual(['What is a river?', 'Name three planets.']);
    const jsonl = join(dir, 'prompts.jsonl');
    writeFileSync(jsonl, `${JSON.stringify({ messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }] })}\n${JSON.stringify({ prompt: 'p2' })}\n`);
    expect((await runCli(['data', '--from', jsonl, '-o', out])).code).toBe(0);
    expect(lines(out).map((r) => r.body.messages.length)).toEqual([2, 1]);
  });

  it.each([
    [['-n', '50001', '-o', 'x.jsonl'], /--lines: must be ≤ 50000/],
    [['-n', '50000', '--prompt-tokens', '2000', '-o', 'x.jsonl'], /would write about \d+ MB, over the Batch API's 200 MB per file/],
    [['-n', '10'], /--output: where to write the file/],
    [['-n', '10', '--prompt-tokens', 'lots', '-o', 'x.jsonl'], /--prompt-tokens: expected a token count such as 512/],
    [['--from', '/nonexistent/prompts.txt', '-o', 'x.jsonl'], /--from: \/nonexistent\/prompts.txt does not exist/],
    [['-n', '10', '-o', '/proc/nope/x.jsonl'], /--output: cannot create directory \/proc\/nope/],
  ])('refuses %j with one line, exit 2, no file left', async (args, message) => {
    const run = await runCli(['data', ...args], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'x.jsonl'))).toBe(false);
  });
});
