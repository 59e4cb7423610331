import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/mock/index.js';
import { FAST, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'bl-cli-'));
const line = (id: string, url = '/v1/chat/completions') => JSON.stringify({ custom_id: id, method: 'POST', url, body: { model: 'm', messages: [] } });
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ port: 0, host: '127.0.0.1', auth: { adminPassword: 'correct-horse-battery' } });
});
afterAll(() => mock.close());

describe('bad input: one line, exit 2, before any request', () => {
  const cases: Array<[string, () => string[], RegExp]> = [
    ['missing data file', () => ['--data', join(dir, 'nope.jsonl')], /data file .*nope\.jsonl does not exist/],
    ['invalid JSONL', () => ['--data', file('bad.jsonl', `${line('a')}\n{oops\n`)], /line 2: not valid JSON/],
    ['empty file', () => ['--data', file('empty.jsonl', '')], /is empty/],
    ['mixed urls', () => ['--data', file('mixed.jsonl', `${line('a')}\n${line('b', '/v1/embeddings')}\n`)], /line 2: url \/v1\/embeddings differs/],
    ['unknown preset', () => ['--preset', 'extreme'], /--preset: expected one of smoke, medium, stress, soak, got 'extreme'/],
    ['bad duration', () => ['--run-time', '5 minutes'], /--run-time: expected a duration such as 90s, 2m or 1h30m, got '5 minutes'/],
    ['bad threshold', () => ['--threshold', 'p95 under 800'], /--threshold: /],
    ['bad threshold operator', () => ['--threshold', 'errors: rate=>0.1'], /--threshold: /],
    ['unknown flag', () => ['--userz', '5'], /Unknown argument/],
    ['negative users', () => ['-u', '-3'], /--users: must be ≥ 1/],
    ['a threshold on an unknown metric', () => ['--threshold', 'nosuchmetric: p(95)<100'], /--threshold: unknown metric 'nosuchmetric'/],
    ['burst with --csv', () => ['--burst', '3', '--csv', '/tmp/x'], /--burst: --csv is not supported in burst mode/],
    // values the option registry parses strictly
    ['hex users', () => ['-u', '0x10'], /--users: expected a whole number, got '0x10'/],
    ['a negative duration after a flag', () => ['--request-timeout', '-1s'], /--request-timeout: must not be negative/],
    ['a duration past 24 days', () => ['--run-time', '99999999h'], /--run-time: must be at most 24d/],
    ['overflowing weights', () => ['--scenario', 'chat:1e308,responses:1e308'], /--scenario: weight of 'chat' must be a number above 0 and at most/],
    ['a key endpoint that is not http', () => ['--api-key-endpoint', 'ftp://x'], /--api-key-endpoint: 'ftp:\/\/x' must start with http/],
    // header values are checked before any load (the client would refuse each request)
    ['an API key with a newline', () => ['--api-key', 'KEY\nX', '--wait-min', '0'], /--api-key: the API key contains a character not allowed in an HTTP header/],
    ['an API key with an emoji', () => ['--api-key', 'KEY\u{1F511}'], /--api-key: the API key contains a character not allowed in an HTTP header/],
    // every output path is checked before any load
    ['a CSV prefix under a regular file', () => ['--csv', join(file('plain.txt', 'x'), 'x')], /--csv: cannot write .*plain\.txt\/x_stats\.csv: .*plain\.txt is not a directory/],
    ['a CSV prefix under /proc', () => ['--csv', '/proc/nope/x'], /--csv: cannot create directory \/proc\/nope/],
    ['a JSON file under /proc', () => ['--json', '/proc/x'], /--json: cannot write \/proc\/x: /],
    ['a JSON path that is a directory', () => ['--json', dir], /--json: .* is a directory/],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const before = mock.stats().requests.total;
    const run = await runCli(['--host', mock.url, ...args()]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stdout).toBe('');
    expect(mock.stats().requests.total).toBe(before);
  });

  it('a bad boolean or number in a BATCH_LOAD_ env var names the env var', async () => {
    for (const [env, message] of [
      [{ BATCH_LOAD_STREAM: 'maybe' }, /^batch-load: BATCH_LOAD_STREAM: expected true or false/],
      [{ BATCH_LOAD_USERS: '0x10' }, /^batch-load: BATCH_LOAD_USERS: expected a whole number, got '0x10'/],
    ] as const) {
      const run = await runCli(['--host', mock.url], { env: { ...env } });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });

  it('a secret never appears in a usage error', async () => {
    const run = await runCli(['--host', mock.url, '--api-key', 'sk-secret-value\n']);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('sk-secret-value');
  });

  it.each([['not a url'], ['ftp://127.0.0.1:1'], ['http://']])('bad host URL %j', async (host) => {
    const run = await runCli(['--host', host]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^batch-load: --host: /);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('could not start: exit 3 with one line, no load', () => {
  it('target unreachable', async () => {
    const closed = await startMockServer({ port: 0, host: '127.0.0.1' });
    const url = closed.url;
    await closed.close();
    const run = await runCli(['--host', url, '--run-time', '1s']);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/);
  });

  it('key bootstrap refused: stops instead of carrying on with Basic auth, never prints the password', async () => {
    const before = mock.stats();
    const run = await runCli(['--host', mock.url, '--run-time', '1s'], { env: { BASIC_AUTH_PASSWORD: 'wrong-password-123' } });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/could not create an API key at http:\/\/127\.0\.0\.1:\d+\/admin\/api\/v1\/users\/current\/api-keys: HTTP 401/);
    expect(run.stderr + run.stdout).not.toContain('wrong-password-123');
    const after = mock.stats();
    // a 401 is not retried: exactly one key attempt, nothing else
    expect(after.requests.total - before.requests.total).toBe(1);
  });
});

describe('thresholds decide the exit code', () => {
  const good = () => ['--host', mock.url, ...FAST, '-u', '2', '-r', '2', '-t', '1s', '--basic-auth-password', 'correct-horse-battery'];

  it('exit 0 when all pass', async () => {
    const run = await runCli([...good(), '--threshold', 'POST /v1/files [upload]: p(99)<60000', '--threshold', 'integrity: count==0']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}POST \/v1\/files \[upload\]\n {4}✓ 'p\(99\)<60000' p\(99\)=\d/m);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('RESULT: PASS');
  });

  it('exit 1 when one fails, listed with its observed value', async () => {
    const run = await runCli([...good(), '--threshold', 'POST /v1/files [upload]: p(99)<0.001']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}POST \/v1\/files \[upload\]\n {4}✗ 'p\(99\)<0.001' p\(99\)=\d/m);
    expect(run.stdout).toMatch(/RESULT: FAIL \(1 of 6 thresholds failed\)/);
  });

  it('P95_THRESHOLD_MS and ERROR_RATE_THRESHOLD set the default thresholds', async () => {
    const run = await runCli(good(), { env: { P95_THRESHOLD_MS: '0.001' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^ {2}http_req_duration\n {4}✗ 'p\(95\)<=0.001' p\(95\)=\d/m);
  });
});
