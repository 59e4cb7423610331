import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { PARSER_CONFIGURATION } from '../../../src/options/cli.js';
import { mockCommandBuilder, optionsFromArgv, parseFaultRoute, runMock, withCredentialEnv } from '../../../src/cli/mock-command.js';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

async function parse(args: string[]): Promise<Record<string, unknown>> {
  return (await mockCommandBuilder(yargs(args).parserConfiguration(PARSER_CONFIGURATION)).parseAsync()) as Record<string, unknown>;
}

async function run(args: string[], signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = capture();
  const err = capture();
  const code = await runMock(await parse(args), { stdout: out.stream, stderr: err.stream, signal });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('batch-load mock', () => {
  it('starts, prints one line, serves with flag options, and stops on abort', async () => {
    const controller = new AbortController();
    const out = capture();
    const err = capture();
    const argv = await parse(['--port', '0', '--api-key', 'sk-a', '--api-key', 'sk-b', '--base-path', '/v1', '--ttft', '0', '--seed', '3']);
    const done = runMock(argv, { stdout: out.stream, stderr: err.stream, signal: controller.signal });
    let line = '';
    for (let i = 0; i < 200 && !line; i++) {
      await new Promise((r) => setTimeout(r, 10));
      line = out.text();
    }
    expect(line).toMatch(/^batch-load mock listening on http:\/\/127\.0\.0\.1:\d+ \(base paths \/v1\)\n$/);
    const url = /http:\/\/[^ ]+/.exec(line)![0];
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sk-b' } })).status).toBe(200);
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: 'Bearer sk-c' } })).status).toBe(401);
    expect((await fetch(`${url}/ai/v1/models`, { headers: { authorization: 'Bearer sk-a' } })).status).toBe(404);
    controller.abort();
    expect(await done).toBe(0);
    expect(err.text()).toBe('');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  it('rejects bad option values with one line on stderr and exit 2, before listening', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--port', '70000'], /--port must be an integer between 0 and 65535/],
      [['--port', 'abc'], /--port: expected a whole number, got 'abc'/],
      [['--fault-500', '1.5'], /--fault-500 must be a number between 0 and 1/],
      [['--ttft', 'soon'], /--ttft: expected a duration such as 90s/],
      [['--ttft', '-5ms'], /--ttft: must not be negative/],
      [['--retain', '0x10'], /--retain: expected a whole number, got '0x10'/],
      [['--base-path', 'v1'], /--base-path/],
      [['--fault-route', 'POST /v1/chat/completions'], /--fault-route must look like/],
      [['--fault-route', 'POST /v1/chat/completions:teapot=0.1'], /--fault-route must look like/],
      [['--config', '/nonexistent/mock.yaml'], /cannot read config file/],
    ];
    for (const [args, pattern] of cases) {
      const { code, stdout, stderr } = await run(args);
      expect(code, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(pattern);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('never prints the admin password', async () => {
    const { stderr } = await run(['--admin-password', '', '--port', '0']);
    expect(stderr).toMatch(/adminPassword|admin-password/);
  });

  it('reads a YAML config file, with flags overriding it', async () => {
    const path = join(tmpdir(), `mock-config-${process.pid}.yaml`);
    await writeFile(path, 'port: 0\nbasePaths: [/ai/v1]\nauth:\n  noAuth: false\n  staticKeys: [sk-file]\nlatency:\n  ttftMs: 0\n');
    const controller = new AbortController();
    const out = capture();
    const done = runMock(await parse(['--config', path, '--no-auth']), { stdout: out.stream, stderr: capture().stream, signal: controller.signal });
    for (let i = 0; i < 200 && !out.text(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(out.text()).toContain('(base paths /ai/v1)');
    const url = /http:\/\/[^ ]+/.exec(out.text())![0];
    expect((await fetch(`${url}/ai/v1/models`)).status).toBe(200);
    controller.abort();
    expect(await done).toBe(0);
  });

  it('maps the store and batch-clock flags to their config keys', async () => {
    const options = await optionsFromArgv(await parse(['--retain', '500', '--retain-for', '10m', '--ms-timestamps', '--any-completion-window']));
    expect(options.retention).toEqual({ count: 500, ageMs: 600_000 });
    expect(options.batch).toEqual({ msTimestamps: true, anyCompletionWindow: true });
    const { code, stderr } = await run(['--retain', '-1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^batch-load mock: --retain must be an integer/);
  });

  it('parses --fault-route', () => {
    expect(parseFaultRoute('post /ai/v1/files:500=0.1,429=0.2,reset=0,truncate=0.3')).toEqual([
      'POST /ai/v1/files',
      { error500: 0.1, error429: 0.2, reset: 0, truncated: 0.3 },
    ]);
  });
});

describe('credential env vars', () => {
  it('BASIC_AUTH_* and API_KEY fill what no flag or config set; flags win', () => {
    const env = { BASIC_AUTH_USERNAME: 'ops', BASIC_AUTH_PASSWORD: 'pw-env', API_KEY: 'sk-env' };
    expect(withCredentialEnv({}, env).auth).toEqual({ adminUser: 'ops', adminPassword: 'pw-env', staticKeys: ['sk-env'] });
    expect(withCredentialEnv({ auth: { adminPassword: 'pw-flag', staticKeys: ['sk-flag'] } }, env).auth).toEqual({
      adminUser: 'ops',
      adminPassword: 'pw-flag',
      staticKeys: ['sk-flag', 'sk-env'],
    });
    expect(withCredentialEnv({}, {}).auth).toEqual({});
  });
});
